#include "scheduler/valueformat.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

namespace Loopscope {

QString readableTypeName(const std::type_info &type)
{
    int status = 0;
    const std::unique_ptr<char, decltype(&std::free)> name(
        abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), &std::free);
    return status == 0 && name ? QString::fromLatin1(name.get()) : QString::fromLatin1(type.name());
}

} // namespace Loopscope
