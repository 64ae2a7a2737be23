#pragma once

#include "trace/traceevent.h"

#include <QTextBrowser>

namespace Loopscope {

class Trace;
class TraceDigest;

/*!
 * The details pane: everything known about the selected event — what happened in words, when,
 * which task (with its state, counters and what it awaits now), the other party (task, I/O
 * operation with its request and response when the HTTP layer recorded them, timer), and the
 * source line.
 */
class DetailsPane : public QTextBrowser
{
    Q_OBJECT
public:
    explicit DetailsPane(QWidget *parent = nullptr);

    void showTraceEvent(const Trace &trace, const TraceDigest &digest, const TraceEvent &event);
    //! Shows a hint instead of an event ("Select an event…").
    void showHint(const QString &text);
    //! Sequence number of the event shown, or -1.
    qint64 shownSeq() const { return m_seq; }

private:
    qint64 m_seq = -1;
};

} // namespace Loopscope
