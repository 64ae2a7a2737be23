#include "io/atomicfile.h"

#include "scheduler/errors.h"

#include <QSaveFile>

namespace Loopscope {

void writeFileAtomically(const QString &path, const std::function<void(QIODevice &)> &write)
{
    QSaveFile file(path);
    const auto fail
        = [&] { throw Error(QStringLiteral("cannot write '%1': %2").arg(path, file.errorString())); };
    if (!file.open(QIODevice::WriteOnly))
        fail();
    write(file);
    if (!file.commit())
        fail();
}

void writeFileAtomically(const QString &path, const QByteArray &bytes)
{
    writeFileAtomically(path, [&bytes, &path](QIODevice &device) {
        if (device.write(bytes) != bytes.size())
            throw Error(QStringLiteral("cannot write '%1': %2").arg(path, device.errorString()));
    });
}

} // namespace Loopscope
