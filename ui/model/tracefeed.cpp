#include "model/tracefeed.h"

namespace Loopscope {

TraceFeed::TraceFeed(QObject *parent)
    : QObject(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(std::chrono::milliseconds(16));
    connect(&m_timer, &QTimer::timeout, this, &TraceFeed::flush);
}

void TraceFeed::setTrace(const Trace *trace)
{
    disconnect(m_appended);
    disconnect(m_cleared);
    m_trace = trace;
    if (trace) {
        m_appended = connect(trace, &Trace::eventsAppended, this, &TraceFeed::schedule);
        m_cleared = connect(trace, &Trace::cleared, this, &TraceFeed::restart);
    }
    restart();
}

void TraceFeed::expectReplayOf(std::shared_ptr<const Trace> recording)
{
    m_expected.reset();
    if (recording && recording->size() >= BackgroundFromEvents)
        m_expected = std::make_unique<BackgroundDigest>(std::move(recording));
}

void TraceFeed::schedule()
{
    if (!m_timer.isActive())
        m_timer.start();
}

void TraceFeed::restart()
{
    m_timer.stop();
    m_digest.reset();
    m_lastChange = {};
    m_rows = 0;
    m_firstSeq = m_trace ? m_trace->firstSeq() : 0;
    emit traceReset();
    if (m_trace && !m_trace->isEmpty())
        flush();
}

void TraceFeed::flush()
{
    m_timer.stop();
    if (!m_trace)
        return;
    if (m_trace->firstSeq() != m_firstSeq) {
        // A capped trace dropped its oldest events: row numbers moved, so views start over.
        restart();
        return;
    }
    const qsizetype size = m_trace->size();
    if (size == m_rows)
        return;
    if (m_expected && m_rows == 0 && m_expected->covers(*m_trace))
        m_digest = m_expected->take(&m_lastChange);
    else
        m_lastChange = m_digest.update(*m_trace);
    m_expected.reset(); // the first events decide: the replay is shown whole or the work is moot
    const qsizetype first = m_rows;
    m_rows = size;
    emit updated(first, size);
}

} // namespace Loopscope
