#include "panes/awaittreepane.h"

#include "analysis/awaittree.h"
#include "model/tracefeed.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Loopscope {

AwaitTreePane::AwaitTreePane(TraceFeed *feed, QWidget *parent)
    : QWidget(parent)
    , m_feed(feed)
{
    m_caption = new QLabel(this);
    m_caption->setObjectName(QStringLiteral("awaitTreeCaption"));
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("awaitTree"));
    m_tree->setHeaderLabels({ tr("Task"), tr("Doing"), tr("Line") });
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setStretchLastSection(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_caption);
    layout->addWidget(m_tree, 1);
    m_rebuild.setSingleShot(true);
    m_rebuild.setInterval(150);
    connect(&m_rebuild, &QTimer::timeout, this, &AwaitTreePane::rebuild);
    connect(feed, &TraceFeed::traceReset, this, [this] {
        m_seq = 0;
        rebuild();
    });
    rebuild();
}

void AwaitTreePane::showAt(SeqNo seq, bool now)
{
    m_seq = seq;
    if (now)
        rebuild();
    else if (!m_rebuild.isActive())
        m_rebuild.start();
}

void AwaitTreePane::rebuild()
{
    m_tree->clear();
    const Trace *trace = m_feed ? m_feed->trace() : nullptr;
    if (!trace || trace->isEmpty()) {
        m_caption->setText(tr("Who awaits whom appears here once the run has begun."));
        return;
    }
    const std::vector<AwaitNode> nodes = awaitTree(*trace, m_seq);
    std::vector<QTreeWidgetItem *> parents;
    for (const AwaitNode &node : nodes) {
        parents.resize(static_cast<std::size_t>(node.depth));
        auto *item = node.depth == 0 ? new QTreeWidgetItem(m_tree) : new QTreeWidgetItem(parents.back());
        item->setText(0, trace->taskName(node.task));
        item->setText(1, node.doing);
        item->setText(2, node.line > 0 ? QString::number(node.line) : QString());
        item->setToolTip(1, node.doing);
        parents.push_back(item);
    }
    m_tree->expandAll();
    m_tree->resizeColumnToContents(0);
    m_tree->resizeColumnToContents(1);
    m_caption->setText(nodes.empty()
            ? tr("After event #%1 no task is alive.").arg(m_seq)
            : tr("After event #%1: %n task(s) alive.", nullptr, int(nodes.size())).arg(m_seq));
}

} // namespace Loopscope
