#pragma once

#include <QString>
#include <Qt>

QT_BEGIN_NAMESPACE
class QLabel;
class QLineEdit;
class QSpinBox;
QT_END_NAMESPACE

namespace Loopscope::FormFields {

//! A line edit named `name` (the key it is saved under, and how tests find it), holding `text`.
QLineEdit *lineEdit(
    const char *name, const QString &text, const QString &placeholder, const QString &tip = {});

//! A spin box named `name`, from `minimum` to `maximum`, at `value`, with thousands separated.
QSpinBox *spinBox(const char *name, int minimum, int maximum, int value, const QString &tip = {},
    const QString &suffix = {});

//! A word-wrapped label named `name`, its text selectable (to copy a message) unless `flags` say
//! otherwise.
QLabel *textLabel(const char *name, Qt::TextInteractionFlags flags = Qt::TextSelectableByMouse);

} // namespace Loopscope::FormFields
