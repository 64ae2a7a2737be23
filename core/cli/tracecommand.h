#pragma once

#include <optional>
#include <QStringList>

QT_BEGIN_NAMESPACE
class QTextStream;
QT_END_NAMESPACE

namespace Loopscope {

/*!
 * `loopscope trace [--out FILE] [--no-window] [--cwd DIR] -- PROGRAM [ARGS...]`
 *
 * Records a Python asyncio program (PROGRAM is `python3 [options] SCRIPT`, `python3 -m MODULE` or
 * `SCRIPT.py`) with Loopscope's recorder. The window draws it live; with --no-window the trace
 * goes to FILE (default: the script's name with .loopscope, in the current folder).
 */
struct TraceCommandOptions
{
    QStringList program;      //!< the words after --
    QString out;              //!< --out
    QString workingDirectory; //!< --cwd
    QString screenshot;       //!< --screenshot: the window, once the program has ended, saved as PNG
    bool noWindow = false;
    bool help = false;

    //! The options, or nothing with `error` saying what is wrong.
    static std::optional<TraceCommandOptions> parse(const QStringList &args, QString *error);
    static QString usage();
};

//! Records the program without a window: returns the program's exit status (2 for bad usage,
//! with the reason on `err`). The program's own output passes through unchanged.
int runTraceCommand(const TraceCommandOptions &options, QTextStream &err);

/*!
 * `loopscope show TRACE.loopscope [--tasks]`: a saved trace as text, one line per event, as
 * `loopscope run` prints a scenario's.
 */
int runShowCommand(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace Loopscope
