#pragma once

namespace Loopscope {

/*!
 * For a command-line process, before its QCoreApplication exists: an event dispatcher that costs in
 * proportion to the sockets ready, not to the sockets open (EpollEventDispatcher), rather than
 * GLib's, which Qt picks by default on Linux and which walks every socket several times a pass.
 * With 1,000 connections open, GLib's loop took a quarter of the client's time and of the demo
 * server's, and Qt's poll() dispatcher a fifth of the server's.
 *
 * The application takes it and deletes it. Where epoll is unavailable, or
 * LOOPSCOPE_EVENT_DISPATCHER=poll asks for it (to compare), Qt's poll() dispatcher is chosen
 * instead. The desktop app keeps GLib's, which some platform themes and input methods rely on.
 */
void installCommandLineEventDispatcher();

} // namespace Loopscope
