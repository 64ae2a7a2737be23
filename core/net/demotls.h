#pragma once

#include <QSslConfiguration>
#include <QString>

namespace Loopscope {

/*!
 * The demo API's TLS identity: an ECDSA P-256 certificate for 127.0.0.1 and localhost, signed by
 * the "Loopscope demo CA", both shipped inside the binary. Its private key is public, so it is for
 * trying https offline, never for anything that needs secrecy.
 */
namespace DemoTls {

//! A server configuration with the demo certificate and key (TLS 1.2 or later).
QSslConfiguration serverConfiguration();
//! The demo CA certificate, PEM: what a client passes as --ca-file to trust the demo API.
QByteArray caPem();
//! Writes caPem() to `path` (a file only the user can write); returns why not, or an empty string.
QString writeCaFile(const QString &path);

} // namespace DemoTls

} // namespace Loopscope
