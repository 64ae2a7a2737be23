#include "cli/eventdispatcher.h"

#include <QtGlobal>

namespace Loopscope {

void preferQtEventDispatcher()
{
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
}

} // namespace Loopscope
