#include "panes/cpphighlighter.h"

namespace Loopscope {

CppHighlighter::CppHighlighter(QTextDocument *document, bool dark)
    : QSyntaxHighlighter(document)
{
    const auto format = [](QColor colour, bool bold = false) {
        QTextCharFormat f;
        f.setForeground(colour);
        if (bold)
            f.setFontWeight(QFont::DemiBold);
        return f;
    };
    const QColor keyword = dark ? QColor(0x82, 0xaa, 0xff) : QColor(0x1f, 0x4e, 0x9e);
    const QColor coroutine = dark ? QColor(0xff, 0xb8, 0x6c) : QColor(0xb3, 0x4d, 0x00);
    const QColor string = dark ? QColor(0xa5, 0xd6, 0x8a) : QColor(0x2e, 0x7d, 0x32);
    const QColor number = dark ? QColor(0xf7, 0x8c, 0x6c) : QColor(0x8e, 0x24, 0xaa);
    const QColor preprocessor = dark ? QColor(0xc7, 0x92, 0xea) : QColor(0x6a, 0x1b, 0x9a);
    m_comment = format(dark ? QColor(0x8a, 0x93, 0x9c) : QColor(0x75, 0x75, 0x75));
    m_comment.setFontItalic(true);

    m_rules.push_back(
        { QRegularExpression(QStringLiteral(R"(\b(?:auto|bool|break|case|catch|class|const|constexpr|)"
                                            R"(continue|default|delete|do|double|else|enum|explicit|)"
                                            R"(false|for|if|inline|int|namespace|new|noexcept|nullptr|)"
                                            R"(override|private|protected|public|return|static|struct|)"
                                            R"(switch|template|this|throw|true|try|typename|using|)"
                                            R"(virtual|void|while)\b)")),
            format(keyword) });
    m_rules.push_back({ QRegularExpression(QStringLiteral(R"(\b(?:co_await|co_return|co_yield)\b)")),
        format(coroutine, true) });
    m_rules.push_back(
        { QRegularExpression(QStringLiteral(R"(\b\d[\d']*(?:\.\d+)?(?:ms|s|us|ns|[uUlLfF]*)\b)")),
            format(number) });
    m_rules.push_back({ QRegularExpression(QStringLiteral(R"(^\s*#\s*\w+.*$)")), format(preprocessor) });
    m_rules.push_back({ QRegularExpression(QStringLiteral(R"("(?:[^"\\]|\\.)*")")), format(string) });
    m_rules.push_back({ QRegularExpression(QStringLiteral(R"(//[^\n]*)")), m_comment });
}

void CppHighlighter::highlightBlock(const QString &text)
{
    for (const Rule &rule : m_rules) {
        for (auto it = rule.pattern.globalMatch(text); it.hasNext();) {
            const QRegularExpressionMatch match = it.next();
            setFormat(static_cast<int>(match.capturedStart()), static_cast<int>(match.capturedLength()),
                rule.format);
        }
    }
    // Block comments may span lines: state 1 means "inside /* */ at the end of this block".
    setCurrentBlockState(0);
    qsizetype start = previousBlockState() == 1 ? 0 : text.indexOf(QStringLiteral("/*"));
    while (start >= 0) {
        const qsizetype end
            = text.indexOf(QStringLiteral("*/"), start + (previousBlockState() == 1 && start == 0 ? 0 : 2));
        const qsizetype length = end < 0 ? text.size() - start : end - start + 2;
        if (end < 0)
            setCurrentBlockState(1);
        setFormat(static_cast<int>(start), static_cast<int>(length), m_comment);
        start = end < 0 ? -1 : text.indexOf(QStringLiteral("/*"), start + length);
    }
}

} // namespace Loopscope
