#pragma once

#include "net/tlsserver.h"

#include <QHash>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

#include <functional>
#include <type_traits>

namespace Loopscope {

//! A server (plain, or TLS when Base is TlsServer) that answers each request with what `reply`
//! makes of its head (request line and headers), and keeps the heads.
template<class Base>
class ScriptedServer : public Base
{
public:
    using Reply = std::function<QByteArray(const QByteArray &head)>;
    template<class... BaseArgs>
    explicit ScriptedServer(Reply reply, BaseArgs &&...baseArgs)
        : Base(std::forward<BaseArgs>(baseArgs)...)
        , m_reply(std::move(reply))
    {
        QObject::connect(this, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *socket = this->nextPendingConnection())
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { answer(socket); });
        });
        this->listen(QHostAddress::LocalHost);
    }
    QUrl url(const QString &userInfo = {}) const
    {
        QUrl url(QStringLiteral("%1://127.0.0.1:%2/api/items")
                     .arg(std::is_same_v<Base, TlsServer> ? "https" : "http")
                     .arg(this->serverPort()));
        url.setUserInfo(userInfo);
        return url;
    }
    QList<QByteArray> heads;

private:
    void answer(QTcpSocket *socket)
    {
        QByteArray &input = m_input[socket];
        input += socket->readAll();
        for (qsizetype end; (end = input.indexOf("\r\n\r\n")) >= 0;) {
            heads.append(input.left(end));
            input.remove(0, end + 4);
            socket->write(m_reply(heads.last()));
        }
    }

    Reply m_reply;
    QHash<QTcpSocket *, QByteArray> m_input;
};

//! An HTTP/1.1 response of `status` with a JSON `body` and the extra `headers` ("Name: value\r\n"...).
inline QByteArray httpResponse(int status, const QByteArray &body, const QByteArray &headers = {})
{
    return "HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: application/json\r\n" + headers
        + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

//! The value of header `name` in a request's `head` (any case), or nothing.
inline QByteArray headerOf(const QByteArray &head, const QByteArray &name)
{
    for (const QByteArray &line : head.split('\n')) {
        if (line.toLower().startsWith(name.toLower() + ':'))
            return line.mid(name.size() + 1).trimmed();
    }
    return {};
}

} // namespace Loopscope
