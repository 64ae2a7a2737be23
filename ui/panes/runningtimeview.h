#pragma once

#include "export/runningtimechart.h"

#include <QWidget>

#include <optional>

namespace Loopscope {

/*!
 * The running-time chart of sequential-vs-concurrent as a view in the window (the same picture
 * `loopscope export --view chart` writes): n I/O operations one after another against all at
 * once, for n from 1 to 10⁹, at the scenario's latency. Empty, with a line saying whose chart it
 * is, for other runs.
 */
class RunningTimeView : public QWidget
{
    Q_OBJECT
public:
    explicit RunningTimeView(QWidget *parent = nullptr);

    //! Shows the chart of `table`.
    void showTable(RunningTimeTable table);
    void clear();
    bool hasChart() const { return m_chart.has_value(); }

    QSize sizeHint() const override { return { 480, 300 }; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    std::optional<RunningTimeChart> m_chart;
};

} // namespace Loopscope
