#include "export/svgcompactor.h"

#include <utility>

namespace Loopscope {

namespace {

// Attributes that state SVG's default. Nothing above the style groups sets them (the outermost
// group only sets fill, stroke, fill rule and line caps and joins), so a style group can leave
// them out; and no group sets a font, so a text element can leave out the default weight and style.
const QByteArray GroupDefaults[] = {
    QByteArrayLiteral(" transform=\"matrix(1,0,0,1,0,0)\""),
    QByteArrayLiteral(" stroke-opacity=\"1\""),
    QByteArrayLiteral(" fill-opacity=\"1\""),
    QByteArrayLiteral(" stroke-dashoffset=\"0\""),
};
const QByteArray ShapeDefaults[] = { QByteArrayLiteral(" vector-effect=\"none\"") };
const QByteArray TextDefaults[] = {
    QByteArrayLiteral(" font-weight=\"400\""),
    QByteArrayLiteral(" font-style=\"normal\""),
};

template<std::size_t N>
QByteArray &withoutAny(QByteArray &line, const QByteArray (&attributes)[N])
{
    for (const QByteArray &attribute : attributes)
        line.replace(attribute, QByteArray());
    return line;
}

} // namespace

SvgCompactor::SvgCompactor(QIODevice &out)
    : m_out(out)
{
    open(QIODevice::WriteOnly);
}

bool SvgCompactor::finish()
{
    if (!m_partial.isEmpty())
        takeLine(std::exchange(m_partial, {}));
    if (m_readingTag || m_inGroup) {
        // Cut short: keep what came, as it came.
        closeOpenGroup();
        output(m_groupTag);
        writeOut(m_children);
        m_readingTag = m_inGroup = false;
    }
    closeOpenGroup();
    return !m_failed;
}

qint64 SvgCompactor::readData(char *, qint64)
{
    return -1;
}

qint64 SvgCompactor::writeData(const char *data, qint64 size)
{
    // QSvgGenerator keeps the whole drawing and writes it in one go at the end: take its lines
    // where they are rather than copying hundreds of megabytes first.
    const QByteArrayView bytes(data, size);
    qsizetype start = 0;
    for (qsizetype end = bytes.indexOf('\n'); end >= 0; end = bytes.indexOf('\n', start)) {
        const QByteArrayView line = bytes.sliced(start, end - start);
        takeLine(m_partial.isEmpty() ? line.toByteArray() : std::exchange(m_partial, {}).append(line));
        start = end + 1;
    }
    m_partial += bytes.sliced(start);
    return m_failed ? -1 : size;
}

void SvgCompactor::takeLine(QByteArray line)
{
    if (m_readingTag) {
        // QSvgGenerator puts the group's font on a line of its own and ends the tag with ">".
        if (line.trimmed() == ">") {
            m_groupTag += '>';
            m_readingTag = false;
            m_inGroup = true;
            m_children.clear();
        } else if (!line.startsWith("font-family=")) {
            m_groupTag += ' ' + withoutAny(line, GroupDefaults).trimmed();
        }
        return;
    }
    if (m_inGroup) {
        if (line == "</g>")
            endGroup();
        else if (line.startsWith("<text "))
            m_children += withoutAny(line, TextDefaults) + '\n';
        else if (line.startsWith('<'))
            m_children += withoutAny(line, ShapeDefaults) + '\n';
        else
            m_children += line + '\n'; // the rest of a text element, its text
        return;
    }
    if (line.startsWith("<g ") && !line.trimmed().endsWith('>')) {
        m_groupTag = withoutAny(line, GroupDefaults).trimmed();
        m_readingTag = true;
        return;
    }
    if (line.trimmed().isEmpty())
        return;
    closeOpenGroup();
    output(line);
}

void SvgCompactor::endGroup()
{
    m_inGroup = false;
    if (m_children.isEmpty())
        return; // a state change with nothing drawn in it
    if (m_groupTag != m_openTag) {
        closeOpenGroup();
        output(m_groupTag);
        m_openTag = m_groupTag;
    }
    writeOut(m_children);
}

void SvgCompactor::closeOpenGroup()
{
    if (m_openTag.isEmpty())
        return;
    output(QByteArrayLiteral("</g>"));
    m_openTag.clear();
}

void SvgCompactor::output(const QByteArray &line)
{
    writeOut(line);
    writeOut(QByteArrayLiteral("\n"));
}

void SvgCompactor::writeOut(const QByteArray &bytes)
{
    if (m_out.write(bytes) != bytes.size())
        m_failed = true;
}

} // namespace Loopscope
