#include "window/formfields.h"

#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>

namespace Loopscope::FormFields {

QLineEdit *lineEdit(const char *name, const QString &text, const QString &placeholder, const QString &tip)
{
    auto *edit = new QLineEdit(text);
    edit->setObjectName(QLatin1StringView(name));
    edit->setPlaceholderText(placeholder);
    edit->setToolTip(tip);
    return edit;
}

QSpinBox *spinBox(
    const char *name, int minimum, int maximum, int value, const QString &tip, const QString &suffix)
{
    auto *box = new QSpinBox;
    box->setObjectName(QLatin1StringView(name));
    box->setRange(minimum, maximum);
    box->setValue(value);
    box->setSuffix(suffix);
    box->setGroupSeparatorShown(true);
    box->setToolTip(tip);
    return box;
}

QLabel *textLabel(const char *name, Qt::TextInteractionFlags flags)
{
    auto *label = new QLabel;
    label->setObjectName(QLatin1StringView(name));
    label->setWordWrap(true);
    label->setTextInteractionFlags(flags);
    return label;
}

} // namespace Loopscope::FormFields
