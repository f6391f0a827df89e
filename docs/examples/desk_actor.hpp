// A fourth threading model, written only against the documented interface
// (ThreadingModel, LoopHost, DeskGuard) and without a line of server.hpp:
// the desk on a thread of its own, fed by a queue from the I/O loops, as an
// actor. The threading lab in docs/server.md builds it step by step; the
// server suite runs it over TCP and the in-memory network like the others.
#pragma once

#include <telechat/queue.hpp>
#include <telechat/server/threading/reactor_per_core.hpp>
#include <telechat/server/threading/threading_model.hpp>

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace lab {

//! [guard]
// The desk's own thread. Loops do not lock the desk: they send it a piece
// of work through a queue and wait for the answer, so only this thread
// ever touches the desk.
class DeskActorGuard {
public:
    DeskActorGuard() : m_desk_thread([this] { serve(); }) {}
    ~DeskActorGuard() {
        {
            const std::lock_guard<std::mutex> guard(m_mutex);
            m_stopping = true;
        }
        m_work_arrived.notify_one();
        m_desk_thread.join();
    }
    DeskActorGuard(const DeskActorGuard&) = delete;
    DeskActorGuard& operator=(const DeskActorGuard&) = delete;

    // Runs `work` on the desk's thread; returns when it has run, and
    // passes on what it threw (the DeskGuard contract).
    template <class Work>
    void with_desk(const Work& work) {
        Message message;
        message.work = &work;
        message.run = [](const void* w) { (*static_cast<const Work*>(w))(); };
        {
            const std::lock_guard<std::mutex> guard(m_mutex);
            m_mailbox.push(&message);
        }
        m_work_arrived.notify_one();
        std::unique_lock<std::mutex> lock(m_mutex);
        m_work_done.wait(lock, [&] { return message.done; });
        if (message.error) {
            std::rethrow_exception(message.error);
        }
    }

    // The thread that owns the desk, for tests that check who touched it.
    [[nodiscard]] std::thread::id desk_thread() const {
        return m_desk_thread.get_id();
    }

private:
    // One request: the work (type-erased without allocating: it lives on
    // the sender's stack, and the sender waits), and the answer.
    struct Message {
        const void* work = nullptr;
        void (*run)(const void*) = nullptr;
        bool done = false;
        std::exception_ptr error;
    };

    void serve() {
        for (;;) {
            Message* message = nullptr;
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                m_work_arrived.wait(
                    lock, [&] { return m_stopping || !m_mailbox.empty(); });
                if (m_mailbox.empty()) {
                    return;  // stopping, and nothing left to do
                }
                message = m_mailbox.front();
                m_mailbox.pop();
            }
            try {
                message->run(message->work);
            } catch (...) {
                message->error = std::current_exception();
            }
            {
                const std::lock_guard<std::mutex> guard(m_mutex);
                message->done = true;
            }
            m_work_done.notify_all();
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_work_arrived;
    std::condition_variable m_work_done;
    telechat::Queue<Message*> m_mailbox;  // TeleChat's own queue
    bool m_stopping = false;
    std::thread m_desk_thread;  // last: it starts once the rest exists
};
//! [guard]

//! [model]
// The I/O side is ReactorPerCore's (N loops, connections dealt round
// robin); what changes is who touches the desk.
struct DeskActor : telechat::server::ReactorPerCore {
    static constexpr const char* name = "desk-actor";
    using DeskGuardType = DeskActorGuard;
};

static_assert(telechat::server::ThreadingModel<DeskActor>,
              "DeskActor must model ThreadingModel");
//! [model]

}  // namespace lab
