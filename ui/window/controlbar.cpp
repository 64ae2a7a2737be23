#include "window/controlbar.h"

#include <cmath>
#include <iterator>
#include <limits>
#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace Loopscope {

namespace {

QToolButton *buttonFor(QAction *action, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    button->setAutoRaise(true);
    return button;
}

QFrame *separator(QWidget *parent)
{
    auto *line = new QFrame(parent);
    line->setFrameShape(QFrame::VLine);
    line->setFrameShadow(QFrame::Sunken);
    return line;
}

} // namespace

ControlBar::ControlBar(const Actions &actions, QWidget *parent)
    : QWidget(parent)
{
    // Two rows, so that a scenario with many parameters never makes the window wider than a screen:
    // what to play on top, how to play it below.
    auto *rows = new QVBoxLayout(this);
    rows->setContentsMargins(6, 2, 6, 2);
    rows->setSpacing(2);
    auto *top = new QHBoxLayout;
    auto *bottom = new QHBoxLayout;
    top->setSpacing(6);
    bottom->setSpacing(6);
    rows->addLayout(top);
    rows->addLayout(bottom);

    auto *scenarioLabel = new QLabel(tr("Scenario"), this);
    m_scenarios = new QComboBox(this);
    // As wide as the longest title, so that none is cut.
    m_scenarios->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_scenarios->setToolTip(tr("The built-in scenario to play"));
    scenarioLabel->setBuddy(m_scenarios);
    top->addWidget(scenarioLabel);
    top->addWidget(m_scenarios);
    m_parameterBox = new QWidget(this);
    m_parameterLayout = new QHBoxLayout(m_parameterBox);
    m_parameterLayout->setContentsMargins(8, 0, 0, 0);
    m_parameterLayout->setSpacing(4);
    top->addWidget(m_parameterBox);
    top->addStretch(1);
    m_clock = new QLabel(this);
    m_clock->setTextFormat(Qt::RichText);
    m_clock->setToolTip(tr("The clock the scheduler uses, its time now, and the steps taken"));
    top->addWidget(m_clock);

    for (QAction *action : { actions.run, actions.stepBack, actions.step, actions.reset, actions.stop }) {
        if (action)
            bottom->addWidget(buttonFor(action, this));
    }
    bottom->addWidget(separator(this));
    auto *speedLabel = new QLabel(tr("Speed"), this);
    m_speed = new QSlider(Qt::Horizontal, this);
    m_speed->setRange(0, static_cast<int>(std::size(Speeds)) - 1);
    m_speed->setPageStep(1);
    m_speed->setFixedWidth(120);
    m_speed->setToolTip(tr("Steps per second while running"));
    speedLabel->setBuddy(m_speed);
    m_speedLabel = new QLabel(this);
    m_speedLabel->setMinimumWidth(
        m_speedLabel->fontMetrics().horizontalAdvance(QStringLiteral("as fast as possible")));
    bottom->addWidget(speedLabel);
    bottom->addWidget(m_speed);
    bottom->addWidget(m_speedLabel);
    bottom->addStretch(1);

    connect(m_scenarios, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating && m_scenarios->currentData().isValid())
            emit scenarioChosen(m_scenarios->currentData().toString());
    });
    connect(m_speed, &QSlider::valueChanged, this, [this] {
        updateSpeedLabel();
        emit speedChanged(speed());
    });
    setSpeed(4);
    setClock(ClockMode::Virtual, 0, 0, false);
}

void ControlBar::setScenarios(const QList<ScenarioInfo> &scenarios)
{
    m_updating = true;
    m_scenarios->clear();
    for (const ScenarioInfo &info : scenarios) {
        m_scenarios->addItem(info.title, info.id);
        m_scenarios->setItemData(
            m_scenarios->count() - 1, QStringLiteral("%1\n%2").arg(info.id, info.summary), Qt::ToolTipRole);
    }
    m_updating = false;
}

void ControlBar::showScenario(const ScenarioInfo &info, const ScenarioParams &params)
{
    m_updating = true;
    const int index = m_scenarios->findData(info.id);
    if (index >= 0)
        m_scenarios->setCurrentIndex(index);
    m_scenarios->setEnabled(true);
    rebuildParameters(info, params);
    m_updating = false;
}

bool ControlBar::sameKeys(const QList<ScenarioParameter> &a, const QList<ScenarioParameter> &b)
{
    if (a.size() != b.size() || a.isEmpty())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].key != b[i].key || a[i].choices != b[i].choices || a[i].minimum != b[i].minimum
            || a[i].maximum != b[i].maximum || a[i].integer != b[i].integer)
            return false;
    }
    return true;
}

void ControlBar::showReplay(const QString &title)
{
    m_updating = true;
    m_scenarios->setCurrentIndex(-1);
    m_scenarios->setPlaceholderText(title);
    rebuildParameters(ScenarioInfo(), {});
    m_updating = false;
}

QString ControlBar::currentScenarioId() const
{
    return m_scenarios->currentData().toString();
}

void ControlBar::rebuildParameters(const ScenarioInfo &info, const ScenarioParams &params)
{
    // An edit restarts the run, which shows its parameters again from inside the edited box's
    // signal: the boxes of the same scenario take the new values; others go once control is back.
    if (sameKeys(info.parameters, m_parameters)) {
        for (const ScenarioParameter &parameter : m_parameters) {
            const double value = params.value(parameter.key, parameter.defaultValue);
            if (auto *combo = m_parameterBox->findChild<QComboBox *>(parameter.key))
                combo->setCurrentIndex(static_cast<int>(std::lround(value - parameter.minimum)));
            else if (auto *spin = m_parameterBox->findChild<QSpinBox *>(parameter.key))
                spin->setValue(static_cast<int>(std::lround(value)));
            else if (auto *dspin = m_parameterBox->findChild<QDoubleSpinBox *>(parameter.key))
                dspin->setValue(value);
        }
        m_parameters = info.parameters;
        return;
    }
    while (QLayoutItem *item = m_parameterLayout->takeAt(0)) {
        if (QWidget *widget = item->widget()) {
            widget->hide();
            widget->setObjectName(QString());
            widget->deleteLater();
        }
        delete item;
    }
    m_parameters = info.parameters;
    for (const ScenarioParameter &parameter : m_parameters) {
        auto *label = new QLabel(parameter.key, m_parameterBox);
        const double value = params.value(parameter.key, parameter.defaultValue);
        QWidget *box = nullptr;
        constexpr double intMax = std::numeric_limits<int>::max();
        if (!parameter.choices.isEmpty()) {
            auto *combo = new QComboBox(m_parameterBox);
            combo->addItems(parameter.choices);
            combo->setCurrentIndex(static_cast<int>(std::lround(value - parameter.minimum)));
            connect(combo, &QComboBox::currentIndexChanged, this, [this] {
                if (!m_updating)
                    emit parametersEdited();
            });
            box = combo;
        } else if (parameter.integer && parameter.maximum <= intMax && parameter.minimum >= -intMax) {
            auto *spin = new QSpinBox(m_parameterBox);
            spin->setRange(static_cast<int>(parameter.minimum), static_cast<int>(parameter.maximum));
            spin->setValue(static_cast<int>(std::lround(value)));
            spin->setGroupSeparatorShown(true);
            spin->setKeyboardTracking(false);
            connect(spin, &QSpinBox::valueChanged, this, [this] {
                if (!m_updating)
                    emit parametersEdited();
            });
            box = spin;
        } else {
            auto *spin = new QDoubleSpinBox(m_parameterBox);
            spin->setDecimals(parameter.integer ? 0 : 3);
            spin->setRange(parameter.minimum, parameter.maximum);
            spin->setValue(value);
            spin->setKeyboardTracking(false);
            connect(spin, &QDoubleSpinBox::valueChanged, this, [this] {
                if (!m_updating)
                    emit parametersEdited();
            });
            box = spin;
        }
        box->setObjectName(parameter.key);
        box->setToolTip(parameter.choices.isEmpty() ? QStringLiteral("%1 (%2 to %3)")
                                                          .arg(parameter.description)
                                                          .arg(parameter.minimum, 0, 'g', 12)
                                                          .arg(parameter.maximum, 0, 'g', 12)
                                                    : parameter.description);
        label->setBuddy(box);
        m_parameterLayout->addWidget(label);
        m_parameterLayout->addWidget(box);
    }
    m_parameterBox->setVisible(!m_parameters.isEmpty());
}

ScenarioParams ControlBar::parameters() const
{
    ScenarioParams params;
    for (const ScenarioParameter &parameter : m_parameters) {
        if (auto *combo = m_parameterBox->findChild<QComboBox *>(parameter.key))
            params.insert(parameter.key, parameter.minimum + combo->currentIndex());
        else if (auto *spin = m_parameterBox->findChild<QSpinBox *>(parameter.key))
            params.insert(parameter.key, spin->value());
        else if (auto *dspin = m_parameterBox->findChild<QDoubleSpinBox *>(parameter.key))
            params.insert(parameter.key, dspin->value());
    }
    return params;
}

void ControlBar::setSpeed(int stepsPerSecond)
{
    int best = 0;
    for (int i = 0; i < static_cast<int>(std::size(Speeds)); ++i) {
        const int candidate = Speeds[i];
        if (stepsPerSecond == 0 ? candidate == 0
                                : candidate != 0
                    && std::abs(candidate - stepsPerSecond) < std::abs(Speeds[best] - stepsPerSecond))
            best = i;
    }
    if (stepsPerSecond == 0)
        best = static_cast<int>(std::size(Speeds)) - 1;
    m_speed->setValue(best);
    updateSpeedLabel();
}

int ControlBar::speed() const
{
    return Speeds[m_speed->value()];
}

void ControlBar::updateSpeedLabel()
{
    const int sps = speed();
    m_speedLabel->setText(sps == 0 ? tr("as fast as possible")
            : sps == 1             ? tr("1 step/s")
                                   : tr("%1 steps/s").arg(sps));
}

void ControlBar::setClock(ClockMode mode, std::int64_t nowNs, qint64 steps, bool finished, bool replaying)
{
    const QString clock = mode == ClockMode::Virtual ? tr("virtual clock")
        : replaying                                  ? tr("real clock, replaying the recording")
                                                     : tr("real clock");
    QString text = tr("%1 · <b>t = %2</b> · step %3").arg(clock, formatDuration(nowNs)).arg(steps);
    if (finished)
        text += tr(" · finished");
    m_clock->setText(text);
}

QString ControlBar::clockText() const
{
    return m_clock->text();
}

} // namespace Loopscope
