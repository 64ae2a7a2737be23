#pragma once

namespace Loopscope {

/*!
 * Runs the desktop app: creates the QApplication, parses the command line (see LaunchOptions),
 * opens the main window on the requested scenario or trace file, takes the requested steps, and
 * either saves a screenshot and exits or runs the event loop. Returns the exit code: 0, 1 when the
 * screenshot cannot be saved, 2 for a bad command line (the reason goes to stderr).
 */
int runDesktopApp(int &argc, char **argv);

} // namespace Loopscope
