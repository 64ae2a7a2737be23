#pragma once

#include <QByteArray>
#include <QString>

#include <functional>

QT_BEGIN_NAMESPACE
class QIODevice;
QT_END_NAMESPACE

namespace Loopscope {

/*!
 * Writes the file at `path` whole or not at all: `write` fills a temporary file that replaces
 * `path` only once everything was written, so a failure (a full disk, an exception from `write`)
 * leaves any earlier file as it was. Throws Error("cannot write 'path': reason") when the file
 * cannot be opened, written or committed; exceptions from `write` pass through.
 */
void writeFileAtomically(const QString &path, const std::function<void(QIODevice &)> &write);
//! writeFileAtomically() of `bytes`.
void writeFileAtomically(const QString &path, const QByteArray &bytes);

} // namespace Loopscope
