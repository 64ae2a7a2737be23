#pragma once

#include "trace/trace.h"

#include <QPointer>
#include <QWidget>

#include <vector>

namespace Loopscope {

/*!
 * A small step chart of one of a trace's counters over time (EventKind::CounterSet events of
 * that name: the adaptive limit of a retrieval), drawn as the trace grows. It follows one trace at
 * a time and forgets it when the trace goes away; it says what it shows: "adaptive limit 20 (from
 * 16, peak 25)".
 */
class CounterChart : public QWidget
{
    Q_OBJECT
public:
    explicit CounterChart(const QString &counter, QWidget *parent = nullptr);

    //! Shows the counter of `trace` from now on (null: nothing).
    void follow(const Trace *trace);
    struct Point
    {
        std::int64_t timeNs;
        std::uint32_t value;
    };
    const std::vector<Point> &points() const { return m_points; }
    //! "adaptive limit 20 (from 16, peak 25)", or empty before the first value.
    QString summary() const;

    QSize sizeHint() const override;

signals:
    //! The values shown changed (a new trace, a new value, or none any more).
    void pointsChanged();

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void take(SeqNo first, SeqNo last);

    QString m_counter;
    QPointer<const Trace> m_trace;
    std::vector<Point> m_points;
    std::int64_t m_endNs = 0; //!< the trace's last event: where the last value's step ends
    std::uint32_t m_peak = 0;
};

} // namespace Loopscope
