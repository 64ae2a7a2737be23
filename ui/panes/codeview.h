#pragma once

#include <QPlainTextEdit>

namespace Loopscope {

class CppHighlighter;

/*!
 * The code pane: a read-only view of a scenario's source (a Qt resource) with line numbers,
 * C++ highlighting, and the line of the current event highlighted and scrolled into view. The
 * harness around the lesson (includes, namespaces, the scenario's registration at the end) is
 * hidden unless asked for; the line numbers keep counting the whole file.
 */
class CodeView : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit CodeView(QWidget *parent = nullptr);

    //! Shows the file at `path` (e.g. ":/scenarios/twocoroutines.cpp"); false, with a note in the
    //! pane saying why, if it cannot be read.
    bool loadSource(const QString &path);
    //! Shows `text` as the source (no file).
    void setSource(const QString &text, const QString &path = {});
    QString sourcePath() const { return m_path; }
    //! Highlights 1-based `line` (0 clears) and scrolls it into view.
    void highlightLine(int line);
    int highlightedLine() const { return m_line; }
    //! Width of the line-number gutter.
    int gutterWidth() const;
    //! Hides the harness around the lesson, or shows the whole file.
    void setHarnessHidden(bool hidden);
    bool isHarnessHidden() const { return m_harnessHidden; }
    //! Lines of the file hidden right now.
    int hiddenLineCount() const;

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void paintGutter(QPaintEvent *event);
    void updateGutter(const QRect &rect, int dy);
    void applyHighlight();
    void applyFolding();

    QWidget *m_gutter = nullptr;
    CppHighlighter *m_highlighter = nullptr;
    QString m_path;
    int m_line = 0;
    bool m_harnessHidden = true;
};

} // namespace Loopscope
