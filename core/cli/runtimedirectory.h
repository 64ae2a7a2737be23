#pragma once

namespace Loopscope {

/*!
 * Without XDG_RUNTIME_DIR (as root, over ssh, in CI: no desktop session), Qt prints a warning on
 * every start and falls back to a folder of its own. A command-line tool should not talk about
 * that: this makes the private folder Qt would use (/tmp/runtime-<uid>, mode 0700) and points
 * XDG_RUNTIME_DIR at it, before any Qt application exists. A variable that is set is left alone,
 * and so is a folder that is not private to this user (Qt then warns, rightly).
 */
void providePrivateRuntimeDirectory();

} // namespace Loopscope
