#pragma once

#include <QObject>

namespace Loopscope {

/*!
 * Keeps the plain keys a focused table uses for itself (arrows, Space, Home, End, typing to
 * jump to a row) away from the window's one-key shortcuts, so that Left and Right move through a
 * table's columns instead of stepping the run. Install it on each item view.
 */
class TableKeyGuard : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
};

} // namespace Loopscope
