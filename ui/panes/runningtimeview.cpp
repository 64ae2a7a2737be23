#include "panes/runningtimeview.h"

#include <QPainter>

namespace Loopscope {

RunningTimeView::RunningTimeView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("runningTime"));
}

void RunningTimeView::showTable(RunningTimeTable table)
{
    m_chart.emplace(std::move(table));
    update();
}

void RunningTimeView::clear()
{
    m_chart.reset();
    update();
}

void RunningTimeView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    if (!m_chart) {
        painter.fillRect(rect(), palette().color(QPalette::Base));
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap,
            tr("The running-time chart belongs to “Sequential versus concurrent I/O”: open that "
               "scenario to see how long n operations take one after another and all at once."));
        return;
    }
    m_chart->paint(painter, size());
}

} // namespace Loopscope
