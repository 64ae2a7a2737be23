#include "scheduler/detail/promisebase.h"

#ifdef LOOPSCOPE_USE_MIMALLOC
#include <mimalloc.h>
#endif

namespace Loopscope::detail {

#ifdef LOOPSCOPE_USE_MIMALLOC

// Tasks end in the order they started, so frames are freed in bulk, in allocation order. glibc
// coalesces each freed frame with its neighbours (about 300 instructions a free at this size);
// mimalloc pushes it on a page-local free list.
void *allocateFrame(std::size_t size)
{
    // Rounded up to whole lines: mimalloc serves an aligned size from its size class at once, but
    // pads any other size by a line (a 120-byte frame would take 192 bytes).
    constexpr std::size_t line = PromiseBase::CacheLine;
    void *frame = mi_malloc_aligned((size + line - 1) & ~(line - 1), line);
    if (!frame)
        throw std::bad_alloc();
    return frame;
}

void freeFrame(void *frame) noexcept
{
    mi_free(frame);
}

#else

// Aligned operator new costs several times a plain one with glibc, so each frame is placed by
// hand in a block one line larger; the byte before the frame says how far it was moved.
void *allocateFrame(std::size_t size)
{
    constexpr std::size_t line = PromiseBase::CacheLine;
    auto *block = static_cast<std::byte *>(::operator new(size + line));
    const std::size_t shift = line - (reinterpret_cast<std::uintptr_t>(block) & (line - 1));
    std::byte *frame = block + shift;
    frame[-1] = static_cast<std::byte>(shift);
    return frame;
}

void freeFrame(void *frame) noexcept
{
    auto *start = static_cast<std::byte *>(frame);
    ::operator delete(start - std::to_integer<std::size_t>(start[-1]));
}

#endif

} // namespace Loopscope::detail
