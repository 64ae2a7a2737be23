#pragma once

#include "analysis/tracedigest.h"
#include "model/backgrounddigest.h"

#include <chrono>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace Loopscope {

/*!
 * The views' single source of trace updates. It observes a Trace's eventsAppended() and turns any
 * number of them into at most one update per frame (a 16 ms single-shot timer), after bringing its
 * TraceDigest up to date, so views never see a half-digested trace and never repaint per event.
 *
 * Views listen to traceReset() (start over: a different trace, a cleared one, or events dropped by
 * a capped trace) and updated() (rows [firstRow, rowCount) are new). flush() delivers pending events
 * at once, for steps the user asked for and for tests.
 */
class TraceFeed : public QObject
{
    Q_OBJECT
public:
    explicit TraceFeed(QObject *parent = nullptr);

    //! Follows `trace` (may be null); the trace must outlive the feed or be replaced first.
    void setTrace(const Trace *trace);
    //! The trace followed next (or this one, cleared) will show `recording`'s events from its
    //! start, all at once: its digest is worked out meanwhile on another thread.
    void expectReplayOf(std::shared_ptr<const Trace> recording);
    //! Recordings from this long on are digested in the background (shorter ones take no time).
    static constexpr qsizetype BackgroundFromEvents = 1'000'000;
    const Trace *trace() const { return m_trace; }
    const TraceDigest &digest() const { return m_digest; }
    //! Rows the views have been told about (events delivered so far).
    qsizetype rowCount() const { return m_rows; }
    //! What changed in the last update().
    const TraceDigest::Change &lastChange() const { return m_lastChange; }
    bool hasPendingEvents() const { return m_timer.isActive(); }

    void setFrameInterval(std::chrono::milliseconds interval) { m_timer.setInterval(interval); }

public slots:
    //! Delivers every event appended so far, now.
    void flush();

signals:
    //! Forget what was shown: the views rebuild from trace() (which may be null).
    void traceReset();
    //! Rows [firstRow, rowCount) were appended; digest() already includes them.
    void updated(qsizetype firstRow, qsizetype rowCount);

private:
    void schedule();
    void restart();

    QPointer<const Trace> m_trace;
    TraceDigest m_digest;
    std::unique_ptr<BackgroundDigest> m_expected;
    TraceDigest::Change m_lastChange;
    QTimer m_timer;
    qsizetype m_rows = 0;
    SeqNo m_firstSeq = 0;
    QMetaObject::Connection m_appended;
    QMetaObject::Connection m_cleared;
};

} // namespace Loopscope
