#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

namespace Loopscope {

/*!
 * The coroutine type of a hand-rolled polling loop (the "polling-loop" scenario): `co_yield
 * notReady` hands control back to whoever resumed it, `co_return value` ends it with a result.
 * It traces nothing itself; the loop that polls it does. Move-only, owns its frame.
 */
class [[nodiscard]] PolledCoroutine
{
public:
    struct NotReady
    {
    };

    struct promise_type
    {
        std::optional<int> result;
        std::exception_ptr error;

        PolledCoroutine get_return_object() noexcept
        {
            return PolledCoroutine(std::coroutine_handle<promise_type>::from_promise(*this));
        }
        std::suspend_always initial_suspend() const noexcept { return {}; }
        std::suspend_always final_suspend() const noexcept { return {}; }
        std::suspend_always yield_value(NotReady) const noexcept { return {}; }
        void return_value(int value) { result = value; }
        void unhandled_exception() noexcept { error = std::current_exception(); }
    };

    explicit PolledCoroutine(std::coroutine_handle<promise_type> handle) noexcept
        : m_handle(handle)
    { }
    PolledCoroutine(PolledCoroutine &&other) noexcept
        : m_handle(std::exchange(other.m_handle, {}))
    { }
    PolledCoroutine &operator=(PolledCoroutine &&) = delete;
    PolledCoroutine(const PolledCoroutine &) = delete;
    PolledCoroutine &operator=(const PolledCoroutine &) = delete;
    ~PolledCoroutine()
    {
        if (m_handle)
            m_handle.destroy();
    }

    bool isDone() const { return !m_handle || m_handle.done(); }
    //! Runs the body to its next co_yield or its end; true once it has ended. Rethrows its error.
    bool resume()
    {
        m_handle.resume();
        if (m_handle.done() && m_handle.promise().error)
            std::rethrow_exception(m_handle.promise().error);
        return m_handle.done();
    }
    //! The value of co_return (only once isDone()).
    int result() const { return m_handle.promise().result.value_or(0); }

private:
    std::coroutine_handle<promise_type> m_handle;
};

inline constexpr PolledCoroutine::NotReady notReady {};

} // namespace Loopscope
