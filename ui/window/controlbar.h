#pragma once

#include "run/scenario.h"

#include <QWidget>

class QAction;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QSlider;

namespace Loopscope {

/*!
 * The strip above the diagram: the scenario picker with one spin box per parameter (ranges from
 * ScenarioParameter), the run buttons (the main window's actions), the animation speed, and the
 * clock in use with the scheduler's time and the step count.
 */
class ControlBar : public QWidget
{
    Q_OBJECT
public:
    struct Actions
    {
        QAction *run = nullptr;
        QAction *stepBack = nullptr;
        QAction *step = nullptr;
        QAction *reset = nullptr;
        QAction *stop = nullptr;
    };
    //! Steps per second at each speed slider position; 0 is "as fast as possible".
    static constexpr int Speeds[] = { 1, 2, 4, 8, 15, 30, 60, 0 };

    explicit ControlBar(const Actions &actions, QWidget *parent = nullptr);

    void setScenarios(const QList<ScenarioInfo> &scenarios);
    //! Selects `info` and shows `params` without emitting scenarioChosen() or parametersEdited().
    void showScenario(const ScenarioInfo &info, const ScenarioParams &params);
    //! Shows a replayed file instead of a scenario (its parameters are fixed).
    void showReplay(const QString &title);
    QString currentScenarioId() const;
    ScenarioParams parameters() const;

    //! Steps per second (0: as fast as possible), snapped to the slider's positions.
    void setSpeed(int stepsPerSecond);
    int speed() const;

    //! `replaying`: a real-clock run shown from its recording (after a step back).
    void setClock(ClockMode mode, std::int64_t nowNs, qint64 steps, bool finished, bool replaying = false);
    QString clockText() const;

signals:
    void scenarioChosen(const QString &id);
    //! The user changed a parameter (the run restarts with the new values).
    void parametersEdited();
    void speedChanged(int stepsPerSecond);

private:
    void rebuildParameters(const ScenarioInfo &info, const ScenarioParams &params);
    //! Whether two scenarios' parameters take the same boxes (keys, ranges and choices).
    static bool sameKeys(const QList<ScenarioParameter> &a, const QList<ScenarioParameter> &b);
    void updateSpeedLabel();

    QComboBox *m_scenarios = nullptr;
    QHBoxLayout *m_parameterLayout = nullptr;
    QWidget *m_parameterBox = nullptr;
    QSlider *m_speed = nullptr;
    QLabel *m_speedLabel = nullptr;
    QLabel *m_clock = nullptr;
    QList<ScenarioParameter> m_parameters;
    bool m_updating = false;
};

} // namespace Loopscope
