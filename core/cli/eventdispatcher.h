#pragma once

namespace Loopscope {

/*!
 * For a command-line process, before its QCoreApplication exists: Qt's own poll() event dispatcher
 * rather than GLib's, which Qt picks by default on Linux. GLib's loop walks every socket several
 * times on each pass: with 1,000 connections open (a fetch at C = 1,000 over TLS), that took a
 * quarter of the client's time and of the demo server's (2.5 s against 1.9 s for 10,000 pages).
 * The desktop app keeps GLib's, which some platform themes and input methods rely on. A
 * QT_NO_GLIB already set is left alone.
 */
void preferQtEventDispatcher();

} // namespace Loopscope
