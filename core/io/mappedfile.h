#pragma once

#include <QByteArrayView>
#include <QString>

#include <memory>

namespace Loopscope {

/*!
 * A file mapped privately and read in place (pages the trace might write are copied, never the
 * file), that another program cannot pull from under it. A mapped file that shrinks turns every
 * read past its new end into SIGBUS, so the mapping holds a read lease on the file (Linux
 * F_SETLEASE): when another process is about to truncate the file or open it for writing, the
 * kernel says so first, and the mapped pages are swapped for a copy of themselves in memory before
 * the lease is given back. What was read stays what it was, and the other program goes on.
 *
 * Where no lease can be had (the file is open for writing elsewhere, belongs to another user, or
 * lies on a file system without leases), open() gives null and the caller reads the file instead.
 */
class MappedFile
{
public:
    static std::shared_ptr<const MappedFile> open(const QString &path);
    ~MappedFile();
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;

    QByteArrayView bytes() const { return QByteArrayView(static_cast<const char *>(m_data), m_size); }

private:
    MappedFile(int fd, void *data, qsizetype size, int slot);

    int m_fd;
    void *m_data;
    qsizetype m_size;
    int m_slot; //!< its place in the table the lease-break signal handler reads
};

} // namespace Loopscope
