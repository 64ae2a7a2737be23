#include "panes/codeview.h"

#include "panes/cpphighlighter.h"

#include <QFile>
#include <QFontDatabase>
#include <QPainter>
#include <QTextBlock>

namespace Loopscope {

namespace {

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightnessF() < 0.5;
}

// What a scenario file holds besides its lesson: includes, the namespaces around it, and from
// the function that starts a run onwards, the registration of the scenario.
std::vector<bool> harnessLines(const QTextDocument &document)
{
    std::vector<bool> harness(static_cast<std::size_t>(document.blockCount()), false);
    bool tail = false;
    bool previousHidden = true; // blank lines at the top go with the includes
    for (QTextBlock block = document.begin(); block.isValid(); block = block.next()) {
        const QString text = block.text();
        tail = tail || text.startsWith(QLatin1String("std::unique_ptr<Run> start"))
            || text.startsWith(QLatin1String("std::unique_ptr<Scenario> make"));
        const bool hidden = tail || text.startsWith(QLatin1String("#include"))
            || text.startsWith(QLatin1String("namespace "))
            || text.startsWith(QLatin1String("} // namespace"))
            || (text.trimmed().isEmpty() && previousHidden);
        harness[static_cast<std::size_t>(block.blockNumber())] = hidden;
        previousHidden = hidden;
    }
    return harness;
}

} // namespace

CodeView::CodeView(QWidget *parent)
    : QPlainTextEdit(parent)
    , m_gutter(new QWidget(this))
{
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::WidgetWidth); // long lines wrap, under their own line number
    setFrameShape(QFrame::NoFrame);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSizeF(std::max(8.0, font().pointSizeF() * 0.95));
    setFont(mono);
    m_gutter->installEventFilter(this);
    m_highlighter = new CppHighlighter(document(), isDark(palette()));
    connect(this, &QPlainTextEdit::blockCountChanged, this,
        [this] { setViewportMargins(gutterWidth(), 0, 0, 0); });
    connect(this, &QPlainTextEdit::updateRequest, this, &CodeView::updateGutter);
    setViewportMargins(gutterWidth(), 0, 0, 0);
}

bool CodeView::loadSource(const QString &path)
{
    QFile file(path);
    if (path.isEmpty() || !file.open(QIODevice::ReadOnly)) {
        setSource(tr("// The source of this run is not available%1.")
                      .arg(path.isEmpty() ? QString() : tr(" (%1 could not be read)").arg(path)));
        m_path.clear();
        return false;
    }
    setSource(QString::fromUtf8(file.readAll()), path);
    return true;
}

void CodeView::setSource(const QString &text, const QString &path)
{
    m_path = path;
    m_line = 0;
    setPlainText(text);
    applyFolding();
    applyHighlight();
}

void CodeView::setHarnessHidden(bool hidden)
{
    if (hidden == m_harnessHidden)
        return;
    m_harnessHidden = hidden;
    applyFolding();
    if (m_line > 0)
        highlightLine(m_line);
}

void CodeView::applyFolding()
{
    // Only scenario files (resources) have a harness; a note or another file is shown whole.
    const std::vector<bool> harness
        = m_harnessHidden && m_path.startsWith(u':') ? harnessLines(*document()) : std::vector<bool>();
    for (QTextBlock block = document()->begin(); block.isValid(); block = block.next()) {
        const auto index = static_cast<std::size_t>(block.blockNumber());
        block.setVisible(index >= harness.size() || !harness[index]);
    }
    document()->markContentsDirty(0, document()->characterCount());
    viewport()->update();
    m_gutter->update();
}

int CodeView::hiddenLineCount() const
{
    int hidden = 0;
    for (QTextBlock block = document()->begin(); block.isValid(); block = block.next())
        hidden += !block.isVisible();
    return hidden;
}

void CodeView::highlightLine(int line)
{
    m_line = line > 0 && line <= blockCount() ? line : 0;
    if (m_line > 0 && !document()->findBlockByNumber(m_line - 1).isVisible())
        setHarnessHidden(false); // the event happened in the harness: show the whole file
    applyHighlight();
    if (m_line > 0) {
        QTextCursor cursor(document()->findBlockByNumber(m_line - 1));
        setTextCursor(cursor);
        centerCursor();
    }
}

void CodeView::applyHighlight()
{
    QList<QTextEdit::ExtraSelection> selections;
    if (m_line > 0) {
        QTextEdit::ExtraSelection selection;
        QColor colour = palette().color(QPalette::Highlight);
        colour.setAlphaF(isDark(palette()) ? 0.40f : 0.22f);
        selection.format.setBackground(colour);
        selection.format.setProperty(QTextFormat::FullWidthSelection, true);
        selection.cursor = QTextCursor(document()->findBlockByNumber(m_line - 1));
        selections << selection;
    }
    setExtraSelections(selections);
    m_gutter->update();
}

int CodeView::gutterWidth() const
{
    const int digits = QString::number(std::max(1, blockCount())).size();
    return 14 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * std::max(3, digits);
}

void CodeView::updateGutter(const QRect &rect, int dy)
{
    if (dy != 0)
        m_gutter->scroll(0, dy);
    else
        m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
}

void CodeView::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect area = contentsRect();
    m_gutter->setGeometry(QRect(area.left(), area.top(), gutterWidth(), area.height()));
}

void CodeView::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        delete m_highlighter;
        m_highlighter = new CppHighlighter(document(), isDark(palette()));
        applyHighlight();
    }
}

bool CodeView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_gutter && event->type() == QEvent::Paint) {
        paintGutter(static_cast<QPaintEvent *>(event));
        return true;
    }
    return QPlainTextEdit::eventFilter(watched, event);
}

void CodeView::paintGutter(QPaintEvent *event)
{
    QPainter painter(m_gutter);
    const QPalette &pal = palette();
    painter.fillRect(event->rect(), pal.color(QPalette::AlternateBase));
    QColor muted = pal.color(QPalette::Text);
    muted.setAlphaF(0.45f);
    QTextBlock block = firstVisibleBlock();
    int number = block.blockNumber() + 1;
    double top = blockBoundingGeometry(block).translated(contentOffset()).top();
    painter.setFont(font());
    while (block.isValid() && top <= event->rect().bottom()) {
        const double height = blockBoundingRect(block).height();
        if (block.isVisible() && top + height >= event->rect().top()) {
            const bool current = number == m_line;
            painter.setPen(current ? pal.color(QPalette::Text) : muted);
            QFont f = font();
            f.setBold(current);
            painter.setFont(f);
            painter.drawText(QRectF(0, top, m_gutter->width() - 8, height), Qt::AlignRight | Qt::AlignVCenter,
                QString::number(number));
        }
        block = block.next();
        top += height;
        ++number;
    }
}

} // namespace Loopscope
