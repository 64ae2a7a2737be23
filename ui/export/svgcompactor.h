#pragma once

#include <QByteArray>
#include <QIODevice>

namespace Loopscope {

/*!
 * Sits between QSvgGenerator and the file: QSvgGenerator opens a group with the whole painter
 * state for every state change, even when nothing is drawn with it. This writes the same picture
 * with less: groups without content are left out, a group whose style repeats the previous one
 * continues it, and what repeats a default (an identity transform, full opacity, the group's
 * font, which every text element states again) is dropped. Lines it does not recognise pass
 * through unchanged.
 *
 *     SvgCompactor compactor(file);
 *     QSvgGenerator generator;
 *     generator.setOutputDevice(&compactor);
 *     ... paint ...
 *     compactor.finish();
 */
class SvgCompactor final : public QIODevice
{
public:
    //! Writes to `out`, which must be open for writing.
    explicit SvgCompactor(QIODevice &out);

    //! Writes out what is still held back. Returns false if `out` failed.
    bool finish();

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;

private:
    void takeLine(QByteArray line);
    void endGroup();
    void closeOpenGroup();
    //! Writes `line` and a newline.
    void output(const QByteArray &line);
    //! Writes `bytes` as they are; a refusal is remembered for finish().
    void writeOut(const QByteArray &bytes);

    QIODevice &m_out;
    bool m_failed = false;
    QByteArray m_partial;      //!< the unfinished last line of what was written
    QByteArray m_groupTag;     //!< the opening tag of the group being read, once complete
    bool m_readingTag = false; //!< inside a group's opening tag (it spans lines)
    bool m_inGroup = false;
    QByteArray m_children; //!< the content of the group being read
    QByteArray m_openTag;  //!< the style group written last, not closed yet
};

} // namespace Loopscope
