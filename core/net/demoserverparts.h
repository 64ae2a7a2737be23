#pragma once

// The pieces of DemoServer that its two source files share (demoserver.cpp: sockets and
// connections; demoserverroutes.cpp: the API, its pages and injected faults). Not for other users.

#include "net/demohttp.h"
#include "net/demoserver.h"

#include <deque>
#include <QTcpSocket>

namespace Loopscope {

namespace DemoServerLimits {
constexpr int MaxDelayMs = 600'000;
constexpr int SlowPieces = 20;
// After answering and half-closing, how long a client may keep sending before we reset.
constexpr int LingerMs = 2000;
constexpr qsizetype CompactThreshold = 64 * 1024;
//! The first byte of a TLS handshake record (RFC 8446 §5.1: ContentType handshake).
constexpr unsigned char TlsHandshakeRecord = 0x16;
constexpr qsizetype PageCacheLimit = 4096;
} // namespace DemoServerLimits

struct DemoServer::Query
{
    std::optional<QByteArrayView> from, limit, fault, faultTimes, retryAfter, slowMs, page, pageSize,
        startingAfter;

    explicit Query(QByteArrayView query)
    {
        DemoHttp::forEachParameter(query, [this](QByteArrayView name, QByteArrayView value) {
            if (name == "from")
                from = value;
            else if (name == "limit")
                limit = value;
            else if (name == "fault")
                fault = value;
            else if (name == "fault_times")
                faultTimes = value;
            else if (name == "retry_after")
                retryAfter = value;
            else if (name == "slow_ms")
                slowMs = value;
            else if (name == "page")
                page = value;
            else if (name == "page_size" || name == "per_page")
                pageSize = value;
            else if (name == "starting_after")
                startingAfter = value;
        });
    }
};

struct DemoServer::FaultPlan
{
    Fault kind = Fault::ServerError;
    int retryAfterSeconds = 1;
    int slowMs = 0;
};

struct DemoServer::PendingResponse
{
    enum class Action { Send, Drop, Slow };

    QByteArray bytes;
    qsizetype headSize = 0;
    int status = 0;
    Action action = Action::Send;
    bool closeAfter = false;
    bool ready = false;
    bool holdsWorker = false; //!< counted in Statistics::working until it is ready
    int slowMs = 0;
};

struct DemoServer::Connection
{
    QTcpSocket *socket = nullptr;
    QByteArray input;
    qsizetype consumed = 0;
    // Where to resume looking for the end of a head that arrived only partly.
    qsizetype scanFrom = 0;
    // A request whose body is still arriving (its head is copied out of `input`).
    qint64 bodyRemaining = 0;
    QByteArray bodyMethod, bodyTarget;
    DemoHttp::RequestHead bodyRequest;
    // Responses in request order; seq of the front is frontSeq.
    std::deque<PendingResponse> queue;
    quint64 frontSeq = 0;
    PendingResponse slow;
    qsizetype slowOffset = 0;
    qsizetype slowPieceSize = 0;
    int slowIntervalMs = 0;
    bool slowActive = false;
    bool closing = false;
    bool writeShut = false;
    bool dead = false;
};

} // namespace Loopscope
