#pragma once

#include <QtGlobal>

QT_BEGIN_NAMESPACE
class QTextStream;
QT_END_NAMESPACE

namespace Loopscope {

class Trace;

//! The trace, one readable line per event (prefixed with the loop's lane when it has several).
void printTrace(const Trace &trace, QTextStream &out);
//! Every task: state, time running and waiting, resumptions, outcome, as the window's task table.
void printTasks(const Trace &trace, QTextStream &out);

} // namespace Loopscope
