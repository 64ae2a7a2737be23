#include "window/savedfields.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>

namespace Loopscope::SavedFields {

void save(QSettings &settings, const QSpinBox *box)
{
    settings.setValue(box->objectName(), box->value());
}

void save(QSettings &settings, const QLineEdit *edit, const QString &text)
{
    settings.setValue(edit->objectName(), text);
}

void save(QSettings &settings, const QPlainTextEdit *edit, const QString &text)
{
    settings.setValue(edit->objectName(), text);
}

void save(QSettings &settings, const QCheckBox *box)
{
    settings.setValue(box->objectName(), box->isChecked());
}

bool restore(const QSettings &settings, QSpinBox *box)
{
    // QVariant::toInt() reads "abc" as 0, and setValue() clamps: both would pick an extreme.
    bool ok = false;
    const qint64 value = settings.value(box->objectName()).toString().trimmed().toLongLong(&ok);
    if (!ok || value < box->minimum() || value > box->maximum())
        return false;
    box->setValue(int(value));
    return true;
}

void restore(const QSettings &settings, QLineEdit *edit)
{
    const QVariant value = settings.value(edit->objectName());
    if (value.canConvert<QString>() && value.isValid())
        edit->setText(value.toString());
}

void restore(const QSettings &settings, QPlainTextEdit *edit)
{
    const QVariant value = settings.value(edit->objectName());
    if (value.canConvert<QString>() && value.isValid())
        edit->setPlainText(value.toString());
}

void restore(const QSettings &settings, QCheckBox *box)
{
    const QString value = settings.value(box->objectName()).toString();
    if (value == u"true" || value == u"false")
        box->setChecked(value == u"true");
}

void saveChoice(QSettings &settings, const QComboBox *combo)
{
    settings.setValue(combo->objectName(), combo->currentData().toString());
}

void restoreChoice(
    const QSettings &settings, QComboBox *combo, const std::function<std::optional<QString>(int)> &fromNumber)
{
    QString name = settings.value(combo->objectName()).toString().trimmed();
    bool isNumber = false;
    const int number = name.toInt(&isNumber);
    if (isNumber)
        name = fromNumber(number).value_or(QString());
    if (const int index = combo->findData(name); index >= 0)
        combo->setCurrentIndex(index);
}

} // namespace Loopscope::SavedFields
