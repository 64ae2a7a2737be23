#include "panes/datatableview.h"

#include <QHeaderView>
#include <QHelpEvent>
#include <QToolTip>

namespace Loopscope {

DataTableView::DataTableView(QWidget *parent)
    : QTableView(parent)
{
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setAlternatingRowColors(true);
    setWordWrap(false);
    setFrameShape(QFrame::NoFrame);
    verticalHeader()->hide();
    // Fixed row heights: the view never measures rows, however many there are.
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    horizontalHeader()->setHighlightSections(false);
    horizontalHeader()->setStretchLastSection(true);
}

void DataTableView::fitToText(std::initializer_list<int> columns, int maxDigits)
{
    m_textColumns = columns;
    m_maxTextWidth = fontMetrics().horizontalAdvance(QLatin1Char('9')) * maxDigits + 12;
    m_refit.setSingleShot(true);
    m_refit.setInterval(50); // rows arrive in bursts while a run plays: measure once per burst
    connect(&m_refit, &QTimer::timeout, this, &DataTableView::refit, Qt::UniqueConnection);
    if (QAbstractItemModel *source = model()) {
        connect(source, &QAbstractItemModel::rowsInserted, &m_refit, qOverload<>(&QTimer::start),
            Qt::UniqueConnection);
        connect(source, &QAbstractItemModel::dataChanged, &m_refit, qOverload<>(&QTimer::start),
            Qt::UniqueConnection);
        connect(source, &QAbstractItemModel::modelReset, &m_refit, qOverload<>(&QTimer::start),
            Qt::UniqueConnection);
    }
    refit();
}

void DataTableView::refit()
{
    QAbstractItemModel *source = model();
    if (!source)
        return;
    constexpr int Sample = 200;
    const int rows = source->rowCount();
    const QFontMetrics metrics = fontMetrics();
    for (const int column : std::as_const(m_textColumns)) {
        int widest = metrics.horizontalAdvance(source->headerData(column, Qt::Horizontal).toString());
        for (int row = 0; row < rows; row = row + 1 == Sample && rows > 2 * Sample ? rows - Sample : row + 1)
            widest
                = std::max(widest, metrics.horizontalAdvance(source->index(row, column).data().toString()));
        const int width = std::min(widest + 16, m_maxTextWidth);
        if (width > horizontalHeader()->sectionSize(column))
            horizontalHeader()->resizeSection(column, width);
    }
}

bool DataTableView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QModelIndex index = indexAt(help->pos());
        if (index.isValid() && !index.data(Qt::ToolTipRole).isValid()) {
            const QString text = index.data().toString();
            if (fontMetrics().horizontalAdvance(text) + 8 > visualRect(index).width())
                QToolTip::showText(help->globalPos(), text, viewport(), visualRect(index));
            else
                QToolTip::hideText();
            return true;
        }
    }
    return QTableView::viewportEvent(event);
}

void DataTableView::setColumnWidthsInDigits(std::initializer_list<ColumnWidth> widths)
{
    const int digit = fontMetrics().horizontalAdvance(QLatin1Char('9'));
    for (const ColumnWidth &width : widths)
        horizontalHeader()->resizeSection(width.column, digit * width.digits + 12);
}

} // namespace Loopscope
