#pragma once

#include <QSettings>

#include <functional>
#include <optional>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace Loopscope {

/*!
 * Form fields kept in QSettings under their object names. Restoring never trusts what was saved:
 * a value that a field cannot hold (not a number, out of its range, an unknown choice) leaves the
 * field at its default. Callers decide what may be saved; these helpers write what they are given.
 */
namespace SavedFields {

void save(QSettings &settings, const QSpinBox *box);
void save(QSettings &settings, const QLineEdit *edit, const QString &text);
void save(QSettings &settings, const QPlainTextEdit *edit, const QString &text);
void save(QSettings &settings, const QCheckBox *box);

//! Returns whether a saved value was taken.
bool restore(const QSettings &settings, QSpinBox *box);
void restore(const QSettings &settings, QLineEdit *edit);
void restore(const QSettings &settings, QPlainTextEdit *edit);
void restore(const QSettings &settings, QCheckBox *box);

//! A combo box whose items carry names as data: saved by name.
void saveChoice(QSettings &settings, const QComboBox *combo);
//! Takes the saved name, or an older saved number that `fromNumber` maps to a name.
void restoreChoice(const QSettings &settings, QComboBox *combo,
    const std::function<std::optional<QString>(int)> &fromNumber);

} // namespace SavedFields

} // namespace Loopscope
