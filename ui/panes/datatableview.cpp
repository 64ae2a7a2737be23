#include "panes/datatableview.h"

#include <QHeaderView>

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

void DataTableView::setColumnWidthsInDigits(std::initializer_list<ColumnWidth> widths)
{
    const int digit = fontMetrics().horizontalAdvance(QLatin1Char('9'));
    for (const ColumnWidth &width : widths)
        horizontalHeader()->resizeSection(width.column, digit * width.digits + 12);
}

} // namespace Loopscope
