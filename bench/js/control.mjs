// The lesson bench's control page (bench/lesson_bench.py): the same lesson page and the same
// Firebase chain as Nimbus, with no Python and no interpreter. Bench-only: never in dist/.
//
// It imports Nimbus's own app/services/prefetch.js, so the SDK starts exactly as on the
// product page (one FirebaseApp, Auth restored from IndexedDB, the database connection, the
// warm lesson query), then does in plain JS what Python's forum view does to reach
// "interactive": once Auth has restored the sign-in, listen to the lesson's questions
// (forum/<cid>/questions, ordered by lessonId, equal to the lesson), replace the skeletons
// with one card per question (the same markup as app/ui/question.py's QUESTION_HTML, text
// set by textContent), enable the Ask button and set #forum's data-state to "live". The
// clock stops at the `control:forum-live` mark, after the first snapshot's cards are in the
// DOM (Nimbus marks `nimbus:forum-live` as its first card starts, so this is no easier).
// esbuild bundles it like app/boot.js (minified ESM, tree-shaken SDK).

import { signInWithEmailAndPassword } from "firebase/auth";
import { equalTo, onValue, orderByChild, query, ref } from "firebase/database";
import { auth, db } from "../../app/services/prefetch.js";

const QUESTION_HTML =
  '<details class="q"><summary><span class="q-title" data-field="title"></span>' +
  '<span class="meta"><span data-field="author"></span> · ' +
  '<span data-field="answers">0 answers</span>' +
  '<span class="badge badge-accepted">✓ answered</span>' +
  '<span class="badge badge-pinned">pinned</span>' +
  '<span class="badge badge-locked">locked</span>' +
  '<span class="badge badge-hidden">hidden</span></span></summary>' +
  '<div class="q-detail"><button type="button" class="seek link" hidden></button>' +
  '<div class="md post-body"></div><div class="q-tools"></div><div class="q-comments"></div>' +
  '<ol class="answers"></ol>' +
  '<form class="answer-form"><textarea class="answer-body" rows="3" ' +
  'placeholder="Your answer (Markdown)" aria-label="Your answer"></textarea>' +
  '<button type="submit">Post answer</button></form></div></details>';

/** The bench's setup signs in through this (the control page has no account view). */
globalThis.__controlSignIn = (email, password) =>
  signInWithEmailAndPassword(auth, email, password).then(() => true);

function card(key, q) {
  const li = document.createElement("li");
  li.className = "question";
  li.dataset.key = key;
  const wrap = document.createElement("div");
  wrap.className = "q-wrap";
  wrap.innerHTML = QUESTION_HTML;
  wrap.querySelector(".q-title").textContent = q.title || "";
  wrap.querySelector('[data-field="author"]').textContent = q.authorName || "";
  wrap.querySelector(".post-body").textContent = q.body || "";
  if (typeof q.videoSecond === "number") {
    const seek = wrap.querySelector(".seek");
    const s = Math.floor(q.videoSecond);
    seek.textContent = `▶ asked at ${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
    seek.hidden = false;
  }
  li.appendChild(wrap);
  return li;
}

function live(snapshot) {
  const forum = document.getElementById("forum");
  const list = document.getElementById("questions");
  const cards = [];
  snapshot.forEach((child) => {
    cards.push(card(child.key, child.val() || {}));
  });
  cards.reverse(); // newest first, as the forum view shows them
  list.replaceChildren(...cards);
  document.getElementById("unanswered-count").textContent = String(cards.length);
  document.getElementById("ask-submit").disabled = false;
  if (forum.dataset.state !== "live") {
    forum.dataset.state = "live";
    performance.mark("control:forum-live");
  }
}

auth.authStateReady().then(() => {
  const forum = document.getElementById("forum");
  if (!auth.currentUser) {
    forum.dataset.state = "signed-out";
    return;
  }
  const body = document.body;
  const questions = query(
    ref(db, "forum/" + body.dataset.courseId + "/questions"), // app/model/paths.py questions()
    orderByChild("lessonId"),
    equalTo(body.dataset.lessonId),
  );
  onValue(questions, live, (err) => {
    forum.dataset.state = "error";
    document.getElementById("forum-error").textContent = String(err && err.message);
  });
});
