#pragma once

namespace Loopscope {

/*!
 * Runs the desktop app: creates the QApplication, parses the command line (see LaunchOptions),
 * opens the main window on the requested scenario or trace file, takes the requested steps, and
 * either saves a screenshot and exits or runs the event loop. Returns the exit code: 0, 1 when the
 * screenshot cannot be saved, 2 for a bad command line (the reason goes to stderr).
 */
int runDesktopApp(int &argc, char **argv);

struct TraceCommandOptions;
//! `loopscope trace -- PROGRAM` in the window: records the program and draws it live. Returns 2
//! (with the reason on stderr) when the program cannot be started, else the event loop's code.
int runDesktopAppTracing(int argc, char **argv, const TraceCommandOptions &options);

} // namespace Loopscope
