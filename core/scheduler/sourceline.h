#pragma once

#include <algorithm>
#include <cstdint>
#include <source_location>

namespace Loopscope {

/*!
 * The source line an await or a trace call was written on, recorded with its events (the code
 * pane highlights it). As a defaulted parameter it captures the caller's line:
 *
 *     auto yieldNow(SourceLine line = {});   // yieldNow() knows the line it was called from
 *
 * The line is worked out when the call is compiled, so the hottest awaits do not pay for it at
 * run time. Lines past 65535 are clamped: trace events keep 16 bits of it.
 */
class SourceLine
{
public:
    consteval SourceLine(std::source_location where = std::source_location::current())
        : m_value(static_cast<std::uint16_t>(std::min<std::uint_least32_t>(where.line(), UINT16_MAX)))
    { }

    constexpr std::uint16_t value() const { return m_value; }

private:
    std::uint16_t m_value;
};

} // namespace Loopscope
