#include "window/retrievalmoreoptions.h"

#include "window/formfields.h"
#include "window/savedfields.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>

namespace Loopscope {

using FormFields::lineEdit;
using FormFields::spinBox;

namespace {

//! The fields of one kind on `form`, in the order it holds them: what is compared with the
//! defaults, saved and restored.
template<typename Field>
QList<Field *> fieldsOf(const QWidget *form)
{
    return form->findChildren<Field *>(Qt::FindDirectChildrenOnly);
}

QPlainTextEdit *linesEdit(const char *name, const QString &placeholder, const QString &tip)
{
    auto *edit = new QPlainTextEdit;
    edit->setObjectName(QLatin1StringView(name));
    edit->setPlaceholderText(placeholder);
    edit->setToolTip(tip);
    edit->setTabChangesFocus(true);
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    // Room for three lines: a few headers are the rule, and the panel stays short.
    const int frame = 2 * (edit->frameWidth() + int(edit->document()->documentMargin()));
    edit->setFixedHeight(edit->fontMetrics().lineSpacing() * 3 + frame);
    return edit;
}

QStringList nonEmptyLines(const QPlainTextEdit *edit)
{
    QStringList lines;
    for (const QString &line : edit->toPlainText().split(u'\n')) {
        if (!line.trimmed().isEmpty())
            lines.append(line.trimmed());
    }
    return lines;
}

QLabel *heading(const QString &text)
{
    auto *label = new QLabel(text);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    return label;
}

} // namespace

RetrievalMoreOptions::RetrievalMoreOptions(QWidget *parent)
    : QWidget(parent)
    , m_offsetParam(
          lineEdit("offsetParam", QStringLiteral("from"), {}, tr("offset style: the offset's parameter")))
    , m_limitParam(lineEdit("limitParam", QStringLiteral("limit"), tr("none: the page size is not sent"),
          tr("The page size's parameter; empty: the page size is not sent")))
    , m_pageParam(
          lineEdit("pageParam", QStringLiteral("page"), {}, tr("page style: the page number's parameter")))
    , m_firstPage(spinBox("firstPage", 0, 1'000'000'000, 1, tr("page style: the first page's number")))
    , m_totalPath(
          lineEdit("totalPath", {}, QStringLiteral("/total"), tr("JSON Pointer to the collection's size")))
    , m_nextPath(lineEdit("nextPath", {}, tr("/next, else the Link header"),
          tr("next style: JSON Pointer to the next page's link")))
    , m_hasMorePath(lineEdit("hasMorePath", {}, QStringLiteral("/has_more"),
          tr("JSON Pointer to a true/false that says whether pages follow")))
    , m_cursorPath(lineEdit("cursorPath", {}, QStringLiteral("/meta/next_cursor"),
          tr("cursor style: JSON Pointer to the next cursor in the page")))
    , m_cursorFromItem(lineEdit("cursorFromItem", {}, QStringLiteral("/id"),
          tr("cursor style: JSON Pointer into the page's last item whose value is the cursor "
             "(as Stripe's starting_after)")))
    , m_cursorParam(lineEdit("cursorParam", {}, QStringLiteral("cursor"),
          tr("cursor style: the parameter the cursor is sent in")))
    , m_maxPages(spinBox("maxPages", 0, 1'000'000'000, 0, tr("Stop after this many pages")))
    , m_timeout(spinBox("timeoutMs", 1, 3'600'000, 30'000, tr("How long one attempt may take")))
    , m_attempts(spinBox("attempts", 1, 100, 4, tr("Tries per request (1: no retries)")))
    , m_headers(linesEdit("headers", QStringLiteral("Accept: application/json"),
          tr("Headers sent with every request, one \"Name: value\" a line. Credentials "
             "(Authorization, *token*, *key*...) are sent but never saved or shown: better give "
             "them from the environment")))
    , m_headerEnv(linesEdit("headerEnv", QStringLiteral("Authorization=API_TOKEN"),
          tr("Headers whose values are read from environment variables, one NAME=VAR a line, so "
             "that a token is never typed here, shown, saved or traced")))
    , m_caFile(lineEdit(
          "caFile", {}, tr("the system's CAs"), tr("https: a PEM file of CAs to trust besides the system's")))
    , m_insecure(new QCheckBox(tr("Accept any certificate (no verification)")))
    , m_insecureWarning(new QLabel(tr("Warning: anyone between you and the server can read and change what "
                                      "is fetched.")))
    , m_allowRepeatedPages(new QCheckBox(tr("Land pages that repeat another page's items")))
{
    m_maxPages->setSpecialValueText(tr("no limit"));
    m_timeout->setSuffix(QStringLiteral(" ms"));
    m_insecure->setObjectName(QStringLiteral("insecure"));
    m_insecure->setToolTip(tr("https: accept any certificate, with no verification at all"));
    m_insecureWarning->setObjectName(QStringLiteral("insecureWarning"));
    m_insecureWarning->setWordWrap(true);
    m_insecureWarning->setVisible(false);
    m_allowRepeatedPages->setObjectName(QStringLiteral("allowRepeatedPages"));
    m_allowRepeatedPages->setToolTip(
        tr("By default a page whose items equal another page's stops the retrieval: the server seems "
           "to ignore the page asked for. A link or cursor that leads back still stops it."));

    auto *form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(heading(tr("Pages")));
    form->addRow(tr("Offset parameter"), m_offsetParam);
    form->addRow(tr("Page parameter"), m_pageParam);
    form->addRow(tr("First page"), m_firstPage);
    form->addRow(tr("Limit parameter"), m_limitParam);
    form->addRow(tr("Cursor parameter"), m_cursorParam);
    form->addRow(tr("Cursor path"), m_cursorPath);
    form->addRow(tr("Cursor from item"), m_cursorFromItem);
    form->addRow(tr("Next path"), m_nextPath);
    form->addRow(tr("Total path"), m_totalPath);
    form->addRow(tr("Has-more path"), m_hasMorePath);
    form->addRow(tr("Max pages"), m_maxPages);
    form->addRow(heading(tr("Requests")));
    form->addRow(tr("Timeout"), m_timeout);
    form->addRow(tr("Attempts"), m_attempts);
    form->addRow(tr("Headers"), m_headers);
    form->addRow(tr("Headers from env"), m_headerEnv);
    form->addRow(tr("CA file"), m_caFile);
    form->addRow(m_insecure);
    form->addRow(m_insecureWarning);
    form->addRow(m_allowRepeatedPages);

    m_defaults = fieldValues();
    connect(m_insecure, &QCheckBox::toggled, m_insecureWarning, &QLabel::setVisible);
    for (QLineEdit *edit : fieldsOf<QLineEdit>(this))
        connect(edit, &QLineEdit::textChanged, this, &RetrievalMoreOptions::edited);
    for (QSpinBox *box : fieldsOf<QSpinBox>(this))
        connect(box, &QSpinBox::valueChanged, this, &RetrievalMoreOptions::edited);
    for (QPlainTextEdit *edit : fieldsOf<QPlainTextEdit>(this))
        connect(edit, &QPlainTextEdit::textChanged, this, &RetrievalMoreOptions::edited);
    for (QCheckBox *box : fieldsOf<QCheckBox>(this))
        connect(box, &QCheckBox::toggled, this, &RetrievalMoreOptions::edited);
}

std::optional<JsonPointer> RetrievalMoreOptions::readPointer(
    const QLineEdit *edit, const QString &label, QString &problem)
{
    const QString text = edit->text().trimmed();
    if (text.isEmpty())
        return std::nullopt;
    QString error;
    auto parsed = parseJsonPointer(text, &error);
    if (!parsed && problem.isEmpty())
        problem = QStringLiteral("%1: %2").arg(label, error);
    return parsed;
}

void RetrievalMoreOptions::apply(RetrievalSettings &settings, QString &problem) const
{
    FetchOptions &fetch = settings.fetch;
    fetch.offsetParam = m_offsetParam->text().trimmed();
    fetch.limitParam = m_limitParam->text().trimmed();
    fetch.pageParam = m_pageParam->text().trimmed();
    fetch.firstPage = m_firstPage->value();
    fetch.cursorParam = m_cursorParam->text().trimmed();
    PageFormat &format = fetch.format;
    format.total = readPointer(m_totalPath, tr("Total path"), problem).value_or(format.total);
    format.next = readPointer(m_nextPath, tr("Next path"), problem).value_or(format.next);
    format.hasMore = readPointer(m_hasMorePath, tr("Has-more path"), problem);
    format.cursor = readPointer(m_cursorPath, tr("Cursor path"), problem);
    format.cursorFromItem = readPointer(m_cursorFromItem, tr("Cursor from item"), problem);
    fetch.maxPages = m_maxPages->value();
    fetch.allowRepeatedPages = m_allowRepeatedPages->isChecked();
    settings.http.timeout = std::chrono::milliseconds(m_timeout->value());
    settings.http.maxAttempts = m_attempts->value();
    settings.http.caFile = m_caFile->text().trimmed();
    settings.http.insecure = m_insecure->isChecked();
    const QStringList headers = nonEmptyLines(m_headers);
    for (qsizetype i = 0; i < headers.size(); ++i) {
        QString error;
        if (const auto header = parseHeaderLine(headers[i], &error))
            fetch.headers.append(*header);
        else if (problem.isEmpty())
            problem = tr("Headers, line %1: %2").arg(i + 1).arg(error);
    }
    const QStringList fromEnvironment = nonEmptyLines(m_headerEnv);
    for (qsizetype i = 0; i < fromEnvironment.size(); ++i) {
        QString error;
        if (const auto header = headerFromEnvironment(fromEnvironment[i], &error)) {
            fetch.headers.append(*header);
            settings.http.secretHeaders.append(header->first);
        } else if (problem.isEmpty()) {
            problem = fromEnvironment.size() == 1 ? tr("Header from env: %1").arg(error)
                                                  : tr("Header from env, line %1: %2").arg(i + 1).arg(error);
        }
    }
}

void RetrievalMoreOptions::showStyle(PaginationStyle style)
{
    m_offsetParam->setEnabled(style == PaginationStyle::Offset);
    m_pageParam->setEnabled(style == PaginationStyle::Page);
    m_firstPage->setEnabled(style == PaginationStyle::Page);
    m_nextPath->setEnabled(style == PaginationStyle::NextLink);
    for (QLineEdit *edit : { m_cursorParam, m_cursorPath, m_cursorFromItem })
        edit->setEnabled(style == PaginationStyle::Cursor);
}

QStringList RetrievalMoreOptions::fieldValues() const
{
    QStringList values;
    for (const QLineEdit *edit : fieldsOf<QLineEdit>(this))
        values.append(edit->text().trimmed());
    for (const QSpinBox *box : fieldsOf<QSpinBox>(this))
        values.append(QString::number(box->value()));
    for (const QPlainTextEdit *edit : fieldsOf<QPlainTextEdit>(this))
        values.append(nonEmptyLines(edit).join(u'\n'));
    for (const QCheckBox *box : fieldsOf<QCheckBox>(this))
        values.append(box->isChecked() ? QStringLiteral("1") : QString());
    return values;
}

int RetrievalMoreOptions::changedCount() const
{
    const QStringList values = fieldValues();
    int changed = 0;
    for (qsizetype i = 0; i < values.size(); ++i)
        changed += values[i] != m_defaults.value(i) ? 1 : 0;
    return changed;
}

QString RetrievalMoreOptions::savableHeaders() const
{
    QStringList kept;
    for (const QString &line : nonEmptyLines(m_headers)) {
        QString ignored;
        // A line that does not parse may be a token pasted in the wrong place: not kept either.
        const auto header = parseHeaderLine(line, &ignored);
        if (header && !isSecretHeaderName(header->first))
            kept.append(line);
    }
    return kept.join(u'\n');
}

QString RetrievalMoreOptions::savableHeadersFromEnvironment() const
{
    QStringList kept;
    for (const QString &line : nonEmptyLines(m_headerEnv)) {
        // NAME=VAR names a variable; anything else may be the token itself, pasted by mistake.
        const qsizetype equals = line.indexOf(u'=');
        if (equals > 0 && isEnvironmentVariableName(QStringView(line).mid(equals + 1).trimmed()))
            kept.append(line);
    }
    return kept.join(u'\n');
}

void RetrievalMoreOptions::save(QSettings &settings) const
{
    // Names of environment variables, never their values; no credential header.
    for (const QLineEdit *edit : fieldsOf<QLineEdit>(this))
        SavedFields::save(settings, edit, edit->text());
    for (const QSpinBox *box : fieldsOf<QSpinBox>(this))
        SavedFields::save(settings, box);
    SavedFields::save(settings, m_headers, savableHeaders());
    SavedFields::save(settings, m_headerEnv, savableHeadersFromEnvironment());
    for (const QCheckBox *box : fieldsOf<QCheckBox>(this))
        SavedFields::save(settings, box);
}

void RetrievalMoreOptions::restore(const QSettings &settings)
{
    for (QLineEdit *edit : fieldsOf<QLineEdit>(this))
        SavedFields::restore(settings, edit);
    for (QSpinBox *box : fieldsOf<QSpinBox>(this))
        SavedFields::restore(settings, box);
    for (QPlainTextEdit *edit : fieldsOf<QPlainTextEdit>(this))
        SavedFields::restore(settings, edit);
    for (QCheckBox *box : fieldsOf<QCheckBox>(this))
        SavedFields::restore(settings, box);
}

} // namespace Loopscope
