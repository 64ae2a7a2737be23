#pragma once

#include "trace/trace.h"

#include <QString>
#include <vector>

namespace Loopscope {

//! One line of an await tree: a task, how deep it sits, and what it is doing.
struct AwaitNode
{
    TaskId task = NoTask;
    int depth = 0;          //!< 0: awaited by no task (the loop runs it)
    QString doing;          //!< "running", "ready", "awaits sleep 0.1 s", "awaits task job 2"...
    std::uint16_t line = 0; //!< where it awaits, when known
};

/*!
 * Who awaits whom after the event `at` (every event when `at` is past the end): each live task
 * under the task that awaits it, by id (a join, wait_for) or as a group (gather, TaskGroup: the
 * group's children are its own), tasks awaited by none at the top, in id order. Finished tasks
 * are left out. Like `python -m asyncio pstree`, at any step of a recorded schedule.
 */
std::vector<AwaitNode> awaitTree(const Trace &trace, SeqNo at);

//! The tree as text, one task a line with box-drawing branches, under a line for the loop.
QString formatAwaitTree(const Trace &trace, const std::vector<AwaitNode> &tree);

} // namespace Loopscope
