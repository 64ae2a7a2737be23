#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>
#include <vector>

namespace Loopscope {

/*!
 * Light C++ highlighting for the code pane: comments, strings, numbers, keywords, and the
 * coroutine keywords (co_await, co_return, co_yield) in their own colour since they are the points
 * where the diagram's arrows come from. Colours adapt to a dark or light palette.
 */
class CppHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    CppHighlighter(QTextDocument *document, bool dark);

protected:
    void highlightBlock(const QString &text) override;

private:
    struct Rule
    {
        QRegularExpression pattern;
        QTextCharFormat format;
    };
    std::vector<Rule> m_rules;
    QTextCharFormat m_comment;
};

} // namespace Loopscope
