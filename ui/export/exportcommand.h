#pragma once

#include <QStringList>

QT_BEGIN_NAMESPACE
class QTextStream;
QT_END_NAMESPACE

namespace Loopscope {

/*!
 * `loopscope export (--scenario ID [--param k=v]... | --trace FILE)
 *                   --format png|svg|pdf|mermaid|perfetto|har|loopscope --out FILE
 *                   [--scale S] [--from SEQ] [--to SEQ] [--view sequence|timeline|network]`
 *
 * Plays a scenario to its end (or opens a `.loopscope` trace) and writes it in one format:
 * pictures of the whole sequence diagram or the timeline (png, svg, pdf), Mermaid text, Chrome
 * trace events for Perfetto, a HAR of the HTTP requests, or a `.loopscope` trace file.
 * --from/--to limit pictures, Mermaid and Perfetto to a range of event seq numbers; --scale sets
 * PNG's device pixels per diagram pixel (default 2); --out - writes text formats to `out`.
 *
 * `args` excludes the program name and the word "export". Text formats need only a
 * QCoreApplication; pictures need a QGuiApplication (runExportMain() makes an offscreen one).
 * Returns 0 on success, 1 when the scenario, the trace or the output fails, 2 for bad arguments;
 * the reason goes to `err`.
 */
int runExportCommand(const QStringList &args, QTextStream &out, QTextStream &err);

/*!
 * Runs `loopscope export` as a whole program: creates a QGuiApplication on the offscreen platform
 * (unless QT_QPA_PLATFORM says otherwise), so that it works without a display, and calls
 * runExportCommand() with argv[2...] (argv[1] is "export").
 */
int runExportMain(int argc, char *argv[]);

} // namespace Loopscope
