#pragma once

#include "net/retrieval.h"

#include <QSettings>
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace Loopscope {

/*!
 * The HTTP retrieval panel's less common options, those of `loopscope fetch` beyond the basics:
 * the pagination's parameters and pointers, page limit, timeout, attempts, headers, TLS and
 * repeated pages. Read and checked as the CLI does; saved without any secret (a header whose
 * name says it is a credential is used, never saved).
 */
class RetrievalMoreOptions : public QWidget
{
    Q_OBJECT
public:
    explicit RetrievalMoreOptions(QWidget *parent = nullptr);

    //! Fills in `settings` from the fields; the first field that cannot be read sets `problem`
    //! (if it is still empty), in words that never hold a header's value.
    void apply(RetrievalSettings &settings, QString &problem) const;
    //! Enables the fields that `style` uses.
    void showStyle(PaginationStyle style);
    //! How many fields differ from their defaults (shown while the options are folded away).
    int changedCount() const;

    void save(QSettings &settings) const;
    void restore(const QSettings &settings);

    //! A JSON Pointer field: nothing when empty; a problem "<label>: <why>" when unreadable.
    static std::optional<JsonPointer> readPointer(
        const QLineEdit *edit, const QString &label, QString &problem);

signals:
    //! A field changed (by the user or by restore()).
    void edited();

private:
    QStringList fieldValues() const;
    //! The header lines that may be saved: well formed, and not credentials.
    QString savableHeaders() const;
    //! The NAME=VAR lines that name a variable (never a value pasted by mistake).
    QString savableHeadersFromEnvironment() const;

    QLineEdit *m_offsetParam;
    QLineEdit *m_limitParam;
    QLineEdit *m_pageParam;
    QSpinBox *m_firstPage;
    QLineEdit *m_totalPath;
    QLineEdit *m_nextPath;
    QLineEdit *m_hasMorePath;
    QLineEdit *m_cursorPath;
    QLineEdit *m_cursorFromItem;
    QLineEdit *m_cursorParam;
    QSpinBox *m_maxPages;
    QSpinBox *m_timeout;
    QSpinBox *m_attempts;
    QPlainTextEdit *m_headers;
    QPlainTextEdit *m_headerEnv;
    QLineEdit *m_caFile;
    QCheckBox *m_insecure;
    QLabel *m_insecureWarning;
    QCheckBox *m_allowRepeatedPages;
    QStringList m_defaults;
};

} // namespace Loopscope
