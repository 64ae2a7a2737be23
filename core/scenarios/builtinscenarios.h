#pragma once

#include "run/scenario.h"

#include <memory>

namespace Loopscope {

// Factories of the built-in scenarios. Each is defined in the scenario's own source file, which
// is also embedded as a resource (":/scenarios/<file>.cpp") so that the UI can show it.
// ScenarioRegistry calls them in this order.

std::unique_ptr<Scenario> makeTwoCoroutinesScenario();          // twocoroutines.cpp
std::unique_ptr<Scenario> makeGeneratorsScenario();             // generators.cpp
std::unique_ptr<Scenario> makeSendScenario();                   // sendvalues.cpp
std::unique_ptr<Scenario> makeDelegationScenario();             // delegation.cpp
std::unique_ptr<Scenario> makePollingLoopScenario();            // pollingloop.cpp
std::unique_ptr<Scenario> makeCallbackQueueScenario();          // callbackqueue.cpp
std::unique_ptr<Scenario> makeCallbackBlockingScenario();       // callbackqueue.cpp
std::unique_ptr<Scenario> makeCallbackTimerScenario();          // callbackqueue.cpp
std::unique_ptr<Scenario> makeSequentialVsConcurrentScenario(); // sequentialvsconcurrent.cpp
std::unique_ptr<Scenario> makeProducerConsumerScenario();       // producerconsumer.cpp
std::unique_ptr<Scenario> makeNestedLoopScenario();             // nestedloop.cpp
std::unique_ptr<Scenario> makeThreadsScenario();                // threads.cpp
std::unique_ptr<Scenario> makePaginatedScenario();              // paginated.cpp
std::unique_ptr<Scenario> makePaginatedHttpScenario();          // paginatedhttp.cpp

} // namespace Loopscope
