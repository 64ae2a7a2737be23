#pragma once

#include <QStringList>
#include <QTextStream>

namespace Loopscope {

/*!
 * `loopscope fetch URL --out items.jsonl [--page-size 50] [--concurrency C]
 *  [--strategy sequential|unbounded|bounded|adaptive] [--style offset|next] [--offset-param from]
 *  [--limit-param limit] [--max-pages N] [--timeout-ms MS] [--attempts N] [--seed S] [--trace FILE]
 * [--quiet]`
 *
 * Retrieves every page of a paginated collection concurrently on the scheduler, landing the
 * items as JSON Lines with a manifest; rerunning the same command resumes. Shows a live progress
 * line on `err`. `args` excludes the program name and the word "fetch"; a QCoreApplication must
 * exist. Exit code: 0 when every page landed, 1 when some failed (listed), 2 for bad arguments or
 * output problems, 130 when interrupted (SIGINT/SIGTERM).
 */
int runFetchCommand(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace Loopscope
