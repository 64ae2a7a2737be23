#include "io/mappedfile.h"

#include <QFile>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Loopscope {

namespace {

// The kernel announces a broken lease with a signal, and a signal handler reaches only what is
// static: the mapped files under lease are listed in one table for the process. Each place goes
// Free -> Reserved (being set up or taken down) -> Armed (under lease) -> Copying -> Copied.
enum SlotState : int { Free, Reserved, Armed, Copying, Copied };

struct LeaseSlot
{
    std::atomic<int> state { Free };
    std::atomic<int> fd { -1 };
    void *data = nullptr;
    std::size_t size = 0;
};

constexpr int SlotCount = 256; // files mapped at once; more are read into memory instead
std::array<LeaseSlot, SlotCount> g_leases;

int leaseSignal()
{
    return SIGRTMIN + 5; // glibc keeps the first real-time signals below SIGRTMIN for itself
}

// Swaps the mapped pages for a private copy of themselves, in one step for every thread that
// reads them (mremap moves the copy over the mapping). Runs in the signal handler: system calls
// and memcpy only. Without memory for the copy, the mapping stays as it was.
void copyInPlace(LeaseSlot &slot)
{
    void *copy = mmap(nullptr, slot.size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (copy == MAP_FAILED)
        return;
    std::memcpy(copy, slot.data, slot.size);
    if (mremap(copy, slot.size, slot.size, MREMAP_MAYMOVE | MREMAP_FIXED, slot.data) == MAP_FAILED)
        munmap(copy, slot.size);
}

void onLeaseBreaking(int, siginfo_t *info, void *)
{
    const int savedErrno = errno;
    for (LeaseSlot &slot : g_leases) {
        int armed = Armed;
        if (slot.fd.load() == info->si_fd && slot.state.compare_exchange_strong(armed, Copying)) {
            copyInPlace(slot);
            fcntl(info->si_fd, F_SETLEASE, F_UNLCK); // the other program may go on
            slot.state.store(Copied);
            break;
        }
    }
    errno = savedErrno;
}

void installLeaseHandler()
{
    static std::once_flag installed;
    std::call_once(installed, [] {
        struct sigaction action
        {
        };
        action.sa_sigaction = onLeaseBreaking;
        action.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&action.sa_mask);
        sigaction(leaseSignal(), &action, nullptr);
    });
}

int reserveSlot()
{
    for (int i = 0; i < SlotCount; ++i) {
        int expected = Free;
        if (g_leases[i].state.compare_exchange_strong(expected, Reserved))
            return i;
    }
    return -1;
}

qsizetype fileSize(int fd)
{
    struct stat status
    {
    };
    return fstat(fd, &status) == 0 ? static_cast<qsizetype>(status.st_size) : -1;
}

} // namespace

std::shared_ptr<const MappedFile> MappedFile::open(const QString &path)
{
    installLeaseHandler();
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return nullptr;
    const qsizetype size = fileSize(fd);
    const int slot = size > 0 ? reserveSlot() : -1;
    if (slot < 0) {
        ::close(fd);
        return nullptr;
    }
    void *data = mmap(nullptr, std::size_t(size), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
        g_leases[slot].state.store(Free);
        ::close(fd);
        return nullptr;
    }
    // The place is armed before the lease is asked for, so that a break that comes at once finds it.
    LeaseSlot &lease = g_leases[slot];
    lease.data = data;
    lease.size = std::size_t(size);
    lease.fd.store(fd);
    lease.state.store(Armed);
    auto mapped = std::shared_ptr<const MappedFile>(new MappedFile(fd, data, size, slot));
    // Then the lease; and the file must still be the size that was mapped (it may have shrunk
    // before the lease held).
    if (fcntl(fd, F_SETSIG, leaseSignal()) != 0 || fcntl(fd, F_SETLEASE, F_RDLCK) != 0
        || fileSize(fd) != size)
        return nullptr; // the destructor gives everything back
    return mapped;
}

MappedFile::MappedFile(int fd, void *data, qsizetype size, int slot)
    : m_fd(fd)
    , m_data(data)
    , m_size(size)
    , m_slot(slot)
{ }

MappedFile::~MappedFile()
{
    LeaseSlot &lease = g_leases[m_slot];
    fcntl(m_fd, F_SETLEASE, F_UNLCK);
    // A handler busy on another thread finishes before the pages go.
    for (;;) {
        int state = lease.state.load();
        if (state != Copying && lease.state.compare_exchange_strong(state, Reserved))
            break;
    }
    lease.fd.store(-1);
    munmap(m_data, std::size_t(m_size));
    ::close(m_fd);
    lease.state.store(Free);
}

} // namespace Loopscope
