#include "window/tablekeyguard.h"

#include <QKeyEvent>

namespace Loopscope {

namespace {

bool isKeyATableUses(const QKeyEvent &key)
{
    if (key.modifiers() & ~Qt::KeypadModifier)
        return false;
    switch (key.key()) {
    case Qt::Key_Left:
    case Qt::Key_Right:
    case Qt::Key_Up:
    case Qt::Key_Down:
    case Qt::Key_Home:
    case Qt::Key_End:
    case Qt::Key_PageUp:
    case Qt::Key_PageDown:
    case Qt::Key_Space:
        return true;
    default:
        return !key.text().isEmpty() && key.text().at(0).isLetterOrNumber(); // keyboard search
    }
}

} // namespace

bool TableKeyGuard::eventFilter(QObject *watched, QEvent *event)
{
    // Accepting ShortcutOverride tells Qt to deliver the key to the focused widget rather than
    // trigger a shortcut.
    if (event->type() == QEvent::ShortcutOverride && isKeyATableUses(*static_cast<QKeyEvent *>(event))) {
        event->accept();
        return true;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace Loopscope
