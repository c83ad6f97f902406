//! The store: round-trips, atomic saves, the writer lock, malformed files, permissions, the
//! catalog cache, id resolution, drafts, trash, and injected write failures.

use chrono::{DateTime, NaiveDate, Utc};
use ripple::core::session::{Participant, Session, SessionId, SessionMeta, SessionType};
use ripple::core::store::{Store, StoreError};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

fn meta(title: &str, date: (i32, u32, u32)) -> SessionMeta {
    let created: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-03-10T18:03:00Z")
        .unwrap()
        .with_timezone(&Utc);
    SessionMeta {
        id: SessionId::new(),
        title: title.into(),
        date: NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap(),
        agencies: vec!["CYFD".into(), "La Casa".into()],
        session_type: SessionType::JointCoaching,
        county: "Doña Ana".into(),
        facilitator: "M. Rivera".into(),
        participants: vec![Participant {
            role: "advocate".into(),
            count: 3,
        }],
        tags: vec!["confianza".into()],
        created,
        updated: created,
    }
}

/// A store in a temp dir whose fallback drafts folder is inside the temp dir too.
fn open(dir: &Path) -> Store {
    let mut s = Store::open(&dir.join("store")).unwrap();
    s.set_fallback_drafts_dir(dir.join("fallback-drafts"));
    s
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

/// Set a file's modification time (to make catalog stamps old enough to be trusted).
fn set_mtime(path: &Path, t: SystemTime) {
    let f = fs::OpenOptions::new().write(true).open(path).unwrap();
    f.set_modified(t).unwrap();
}

#[test]
fn create_load_save_round_trip_with_unicode() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let text = "Doña Ana — confianza ✓ 我们\r\nniñez 🙂\n+++\nend";
    let s = store
        .create(meta("Joint coaching 🙂", (2026, 3, 10)), text)
        .unwrap();
    assert_eq!(s.text, "Doña Ana — confianza ✓ 我们\nniñez 🙂\n+++\nend");
    let loaded = store.load(&s.meta.id).unwrap();
    assert_eq!(loaded, s);

    let mut edited = loaded.clone();
    edited.text.push_str("\nmore");
    edited.meta.title = "Renamed \"quoted\"".into();
    let stamp = store.save(&edited).unwrap();
    assert_eq!(store.load(&s.meta.id).unwrap(), edited);
    assert_eq!(store.stamp(&s.meta.id), Some(stamp));
    assert_eq!(
        stamp.size,
        fs::metadata(store.session_path(&s.meta.id)).unwrap().len()
    );

    // Creating the same id twice is refused.
    assert!(matches!(
        store.create(s.meta.clone(), "x"),
        Err(StoreError::AlreadyExists(_))
    ));
    // Unknown id.
    assert!(matches!(
        store.load(&SessionId::new()),
        Err(StoreError::NotFound(_))
    ));
    // An id that would escape the sessions folder is refused.
    let mut bad = edited.clone();
    bad.meta.id = SessionId("../../../../tmp/evil".into());
    assert!(matches!(store.save(&bad), Err(StoreError::BadId(_))));
}

#[test]
fn saves_are_atomic_and_leave_no_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut s = store.create(meta("a", (2026, 2, 1)), "one").unwrap();
    for i in 0..20 {
        s.text = format!("version {i} {}", "x".repeat(i * 100));
        store.save(&s).unwrap();
    }
    assert_eq!(
        names(&store.sessions_dir()),
        vec![ripple::core::session_file::file_name_for(&s.meta)]
    );
    assert_eq!(store.load(&s.meta.id).unwrap().text, s.text);
}

#[test]
fn second_open_is_read_only_and_names_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let first = Store::open(&root).unwrap();
    assert!(!first.is_read_only());
    let s = first.create(meta("a", (2026, 2, 1)), "text").unwrap();

    let second = Store::open(&root).unwrap();
    assert!(second.is_read_only());
    let reason = second.read_only_reason().unwrap().to_string();
    assert!(
        reason.contains(&format!("pid {}", std::process::id())),
        "{reason}"
    );
    assert!(reason.starts_with("open in another Ripple"), "{reason}");
    assert!(reason.ends_with("read-only"), "{reason}");
    // Reading works, writing is refused with the reason.
    assert_eq!(second.load(&s.meta.id).unwrap(), s);
    assert_eq!(second.scan().sessions.len(), 1);
    let err = second.save(&s).unwrap_err();
    assert!(matches!(err, StoreError::Busy { .. }));
    assert!(
        err.to_string().starts_with(&format!(
            "busy: another Ripple is writing to {} (pid {}",
            root.display(),
            std::process::id()
        )),
        "{err}"
    );
    assert!(
        !err.to_string().contains("waited"),
        "it did not wait: {err}"
    );
    assert!(second.create(meta("b", (2026, 2, 1)), "").is_err());
    assert!(second.delete(&s.meta.id).is_err());

    drop(second);
    drop(first);
    let third = Store::open(&root).unwrap();
    assert!(!third.is_read_only(), "{:?}", third.read_only_reason());
    third.save(&s).unwrap();

    let ro = Store::open_read_only(&root).unwrap();
    assert!(ro.is_read_only());
    assert!(ro.save(&s).is_err());
}

#[test]
fn malformed_files_are_reported_with_path_and_line_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let good1 = store
        .create(meta("good one", (2026, 2, 1)), "fine")
        .unwrap();
    let good2 = store
        .create(meta("good two", (2026, 4, 1)), "fine")
        .unwrap();

    let bad_toml_id = SessionId::new();
    let bad_toml = format!(
        "+++\nid = \"{bad_toml_id}\"\ntitle = \"unclosed\ndate = \"2026-01-01\"\n+++\ntext\n"
    );
    let no_close_id = SessionId::new();
    let no_close = format!("+++\nid = \"{no_close_id}\"\ndate = \"2026-01-01\"\ntext\n");
    let bad_date_id = SessionId::new();
    let bad_date =
        format!("+++\nid = \"{bad_date_id}\"\ntitle = \"t\"\n\ndate = \"2026-02-30\"\n+++\ntext\n");
    let files = [
        (bad_toml_id.clone(), bad_toml, 3, "string"),
        (no_close_id.clone(), no_close, 1, "never closed"),
        (bad_date_id.clone(), bad_date, 5, "2026-02-30"),
    ];
    for (id, text, _, _) in &files {
        fs::write(store.session_path(id), text).unwrap();
    }

    let scan = store.scan();
    let ids: Vec<&SessionId> = scan.sessions.iter().map(|s| &s.meta.id).collect();
    assert_eq!(ids, vec![&good2.meta.id, &good1.meta.id]);
    assert_eq!(scan.problems.len(), 3, "{:?}", scan.problems);
    for (id, text, line, word) in &files {
        let path = store.session_path(id);
        let p = scan
            .problems
            .iter()
            .find(|p| p.path == path)
            .unwrap_or_else(|| panic!("no problem for {}", path.display()));
        assert_eq!(p.line, Some(*line), "{p}");
        assert!(p.message.contains(word), "{p}");
        let shown = p.to_string();
        assert!(
            shown.starts_with(&format!("{}:{}: ", path.display(), line)),
            "{shown}"
        );
        // load() says the same, and the file is byte-for-byte untouched.
        let err = store.load(id).unwrap_err();
        assert!(err
            .to_string()
            .starts_with(&format!("{}:{}:", path.display(), line)));
        assert_eq!(&fs::read_to_string(&path).unwrap(), text);
    }
    // A second scan (from the catalog) reports the same problems.
    assert_eq!(store.scan().problems, scan.problems);

    // A file whose name is not its id is a problem too.
    let mut moved = good1.clone();
    moved.meta.id = SessionId::new();
    fs::rename(
        store.session_path(&good1.meta.id),
        store.session_path(&moved.meta.id),
    )
    .unwrap();
    let scan = store.scan();
    assert!(scan
        .problems
        .iter()
        .any(|p| p.path == store.session_path(&moved.meta.id)
            && p.message.contains("does not match the file name")));
}

#[cfg(unix)]
#[test]
fn folders_are_0700_and_files_0600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let s = store.create(meta("a", (2026, 2, 1)), "x").unwrap();
    store.scan(); // writes the catalog
    store.write_draft(&s).unwrap();
    let mode = |p: PathBuf| fs::metadata(&p).unwrap().permissions().mode() & 0o777;
    let root = store.root().to_path_buf();
    for d in [
        root.clone(),
        store.sessions_dir(),
        store.codings_dir(),
        store.drafts_dir(),
        store.trash_dir(),
        root.join(".ripple"),
    ] {
        assert_eq!(mode(d.clone()), 0o700, "{}", d.display());
    }
    for f in [
        store.session_path(&s.meta.id),
        root.join("ripple.toml"),
        store.codebook_path(),
        root.join(".gitignore"),
        store.catalog_path(),
        root.join(".ripple/lock"),
        store.drafts_dir().join(format!("{}.md", s.meta.id)),
    ] {
        assert_eq!(mode(f.clone()), 0o600, "{}", f.display());
    }
    assert!(fs::read_to_string(root.join(".gitignore"))
        .unwrap()
        .lines()
        .any(|l| l == ".ripple/"));
    assert_eq!(
        fs::read_to_string(store.codebook_path()).unwrap(),
        ripple::core::store::DEFAULT_CODEBOOK
    );
}

#[test]
fn catalog_follows_outside_edits_and_deletions() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let store = open(dir.path());
    let a = store
        .create(meta("alpha", (2026, 2, 1)), "first note")
        .unwrap();
    let b = store
        .create(meta("beta", (2026, 3, 1)), "second note")
        .unwrap();
    let scan = store.scan();
    assert_eq!(scan.sessions.len(), 2);
    assert!(store.catalog_path().is_file());

    // Edit a file from outside (e.g. a text editor, with CRLF endings).
    let path = store.session_path(&a.meta.id);
    let edited = fs::read_to_string(&path)
        .unwrap()
        .replace("title = \"alpha\"", "title = \"alpha, edited outside\"")
        .replace('\n', "\r\n");
    fs::write(&path, edited).unwrap();
    let scan = store.scan();
    let got = scan
        .sessions
        .iter()
        .find(|s| s.meta.id == a.meta.id)
        .unwrap();
    assert_eq!(got.meta.title, "alpha, edited outside");
    assert_eq!(&*got.preview, "first note");
    assert_eq!(got.chars, 10);
    assert_eq!(store.load(&a.meta.id).unwrap().text, "first note");

    // A fresh Store (reading catalog.tsv from disk) agrees.
    drop(store);
    let store = open(dir.path());
    let scan2 = store.scan();
    assert_eq!(
        scan2.sessions.iter().map(|s| &s.meta).collect::<Vec<_>>(),
        scan.sessions.iter().map(|s| &s.meta).collect::<Vec<_>>()
    );

    // Delete a file from outside: gone from the next scan.
    fs::remove_file(store.session_path(&b.meta.id)).unwrap();
    let scan = store.scan();
    assert_eq!(scan.sessions.len(), 1);
    assert_eq!(scan.sessions[0].meta.id, a.meta.id);
    let catalog = fs::read_to_string(root.join(".ripple/catalog.tsv")).unwrap();
    assert!(!catalog.contains(b.meta.id.as_str()));

    // A damaged catalog is rebuilt, with a note.
    drop(store);
    fs::write(root.join(".ripple/catalog.tsv"), "{ not json").unwrap();
    let store = open(dir.path());
    let scan = store.scan();
    assert_eq!(scan.sessions.len(), 1);
    assert!(
        scan.notes.iter().any(|n| n.contains("rebuilt")),
        "{:?}",
        scan.notes
    );
}

#[test]
fn catalog_is_used_for_settled_files_and_rechecks_racy_ones() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let a = store.create(meta("aaaa", (2026, 2, 1)), "note").unwrap();
    let path = store.session_path(&a.meta.id);
    let old = SystemTime::now() - Duration::from_secs(3600);

    // A file modified just now is re-read even if its stamp looks unchanged: an outside edit in
    // the same clock tick, same size, is still seen.
    store.scan();
    let original = fs::read_to_string(&path).unwrap();
    let mtime = fs::metadata(&path).unwrap().modified().unwrap();
    fs::write(&path, original.replace("aaaa", "bbbb")).unwrap();
    set_mtime(&path, mtime);
    assert_eq!(store.scan().sessions[0].meta.title, "bbbb");

    // An old, unchanged file is served from the catalog without reading it: prove it by
    // swapping the content behind the catalog's back with an identical stamp.
    set_mtime(&path, old);
    assert_eq!(store.scan().sessions[0].meta.title, "bbbb");
    fs::write(&path, original.replace("aaaa", "cccc")).unwrap();
    set_mtime(&path, old);
    assert_eq!(store.scan().sessions[0].meta.title, "bbbb");
    // Any real change of stamp is noticed.
    set_mtime(&path, old + Duration::from_secs(1));
    assert_eq!(store.scan().sessions[0].meta.title, "cccc");
}

#[test]
fn scan_orders_newest_first_and_previews() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut m = meta("same day, later", (2026, 5, 1));
    m.created += chrono::Duration::hours(1);
    let later = store.create(m, "x").unwrap();
    let earlier = store.create(meta("same day", (2026, 5, 1)), "y").unwrap();
    let newest = store
        .create(
            meta("newest", (2026, 6, 1)),
            &format!("Doña\n\n  Ana {}", "我们 ".repeat(60)),
        )
        .unwrap();
    let old = store.create(meta("old", (2026, 2, 1)), "").unwrap();
    let scan = store.scan();
    let ids: Vec<_> = scan.sessions.iter().map(|s| s.meta.id.clone()).collect();
    assert_eq!(
        ids,
        vec![newest.meta.id, later.meta.id, earlier.meta.id, old.meta.id]
    );
    let p = &scan.sessions[0].preview;
    assert!(p.starts_with("Doña Ana 我们 我们"), "{p}");
    assert!(!p.contains('\n'));
    assert_eq!(p.chars().count(), 81);
    assert_eq!(scan.sessions[0].chars, newest.text.chars().count());
}

#[test]
fn resolve_accepts_full_prefix_and_short_ids() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut ids = Vec::new();
    for i in 0..3 {
        let mut m = meta("x", (2026, 2, 1));
        // Ids sharing a prefix, to exercise ambiguity.
        m.id = SessionId(format!(
            "01jd3k4m5n6p7q8r9s0t1v2w{i}{}",
            (b'a' + i as u8) as char
        ));
        ids.push(store.create(m, "").unwrap().meta.id);
    }
    let id = &ids[1];
    assert_eq!(&store.resolve(id.as_str()).unwrap(), id);
    assert_eq!(&store.resolve(&id.as_str().to_uppercase()).unwrap(), id);
    assert_eq!(&store.resolve("01jd3k4m5n6p7q8r9s0t1v2w1").unwrap(), id);
    assert_eq!(&store.resolve(id.short()).unwrap(), id);
    match store.resolve("01jd3k") {
        Err(e @ StoreError::Ambiguous { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("matches 3 sessions"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(store.resolve("zzzz"), Err(StoreError::NoMatch(_))));
    assert!(matches!(store.resolve(""), Err(StoreError::BadId(_))));
    assert!(matches!(store.resolve("../x"), Err(StoreError::BadId(_))));
}

#[test]
fn drafts_round_trip_and_fall_back_when_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut s = store
        .create(meta("draft me", (2026, 2, 1)), "saved")
        .unwrap();
    assert!(store.read_draft(&s.meta.id).is_none());
    s.text = "unsaved edits — Doña Ana 🙂".into();
    let p = store.write_draft(&s).unwrap();
    assert_eq!(p, store.drafts_dir().join(format!("{}.md", s.meta.id)));
    let (d, _when) = store.read_draft(&s.meta.id).unwrap();
    assert_eq!(d, s);
    assert_eq!(store.list_drafts(), vec![s.meta.id.clone()]);

    // A second instance is read-only: its drafts go to the fallback folder only.
    let mut second = Store::open(store.root()).unwrap();
    let fallback = dir.path().join("fallback-2");
    second.set_fallback_drafts_dir(fallback.clone());
    assert!(second.is_read_only());
    let mut s2 = s.clone();
    s2.text = "edits made in the read-only window".into();
    std::thread::sleep(Duration::from_millis(20));
    let p2 = second.write_draft(&s2).unwrap();
    assert!(p2.starts_with(&fallback), "{}", p2.display());
    // The newest draft wins.
    assert_eq!(second.read_draft(&s.meta.id).unwrap().0, s2);
    // Clearing from the read-only instance leaves the store's own draft alone.
    second.clear_draft(&s.meta.id).unwrap();
    assert!(!p2.exists());
    assert!(p.exists());
    drop(second);

    store.clear_draft(&s.meta.id).unwrap();
    assert!(store.read_draft(&s.meta.id).is_none());
    assert!(store.list_drafts().is_empty());
}

#[test]
fn delete_moves_session_and_codings_to_trash() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let s = store
        .create(meta("to delete", (2026, 2, 1)), "bye")
        .unwrap();
    let coder_dir = store.codings_dir().join("ana-ortiz");
    fs::create_dir_all(&coder_dir).unwrap();
    let coding_file = coder_dir.join(format!("{}.json", s.meta.id));
    fs::write(&coding_file, "{}").unwrap();
    store.write_draft(&s).unwrap();
    // Codings that could not be saved, kept in a coding draft: they go to the trash too.
    let kept = ripple::core::coding::CoderSessionFile {
        session: s.meta.id.clone(),
        coder: "Ana Ortiz".into(),
        memo: "memo de Doña Ana".into(),
        codings: Vec::new(),
    };
    let coding_draft = ripple::core::coding_draft::write(&store, &kept).unwrap();

    let bin = store.delete(&s.meta.id).unwrap();
    assert!(
        !coding_draft.exists(),
        "the coding draft left with its session"
    );
    assert!(ripple::core::coding_draft::list(&store).0.is_empty());
    assert!(bin
        .join("drafts/codings/ana-ortiz")
        .join(format!("{}.json", s.meta.id))
        .is_file());
    assert!(bin.starts_with(store.trash_dir()));
    assert!(!store.session_path(&s.meta.id).exists());
    assert!(!coding_file.exists());
    assert_eq!(
        fs::read_to_string(bin.join(ripple::core::session_file::file_name_for(&s.meta))).unwrap(),
        ripple::core::session_file::to_file_string(&s)
    );
    assert!(bin
        .join("codings/ana-ortiz")
        .join(format!("{}.json", s.meta.id))
        .is_file());
    assert!(store.read_draft(&s.meta.id).is_none());
    assert!(store.scan().sessions.is_empty());
    assert!(matches!(
        store.delete(&s.meta.id),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn failed_save_keeps_a_recovery_draft_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut s = store.create(meta("precious", (2026, 2, 1)), "v1").unwrap();
    // Inject a failure: the sessions folder becomes a regular file, so no write can succeed.
    fs::rename(store.sessions_dir(), dir.path().join("moved-away")).unwrap();
    fs::write(store.sessions_dir(), "not a folder").unwrap();
    s.text = "v2: words that must not be lost".into();
    let err = store.save(&s).unwrap_err();
    let msg = err.to_string();
    let draft = store.drafts_dir().join(format!("{}.md", s.meta.id));
    assert!(
        msg.contains(&format!(
            "your text is kept in memory and in the recovery draft at {}",
            draft.display()
        )),
        "{msg}"
    );
    assert_eq!(store.read_draft(&s.meta.id).unwrap().0, s);
    // Scanning reports the broken folder instead of panicking.
    assert_eq!(store.scan().problems.len(), 1);
}

#[test]
fn refuses_to_turn_a_folder_with_other_files_into_a_store() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("thesis.docx"), "x").unwrap();
    let err = Store::open(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::NotAStore { .. }));
    assert!(err.to_string().contains("no ripple.toml"), "{err}");
    assert_eq!(names(dir.path()), vec!["thesis.docx".to_string()]);

    // A path under a regular file cannot be created: a clear error, not a panic.
    let err = Store::open(&dir.path().join("thesis.docx").join("store")).unwrap_err();
    assert!(err.to_string().contains("thesis.docx"), "{err}");
    assert!(Store::open_read_only(&dir.path().join("nothing-here")).is_err());
}

#[test]
fn unwritable_store_opens_read_only_and_drafts_go_to_the_fallback() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    {
        let store = Store::open(&root).unwrap();
        store.create(meta("kept", (2026, 2, 1)), "text").unwrap();
    }
    // Inject the failure (tests run as root, so permissions would not stop writes): the
    // machine-local folder is replaced by a regular file, so nothing can be created in it.
    fs::remove_dir_all(root.join(".ripple")).unwrap();
    fs::write(root.join(".ripple"), "in the way").unwrap();
    let mut store = Store::open(&root).unwrap();
    store.set_fallback_drafts_dir(dir.path().join("fallback"));
    let reason = store.read_only_reason().unwrap().to_string();
    assert!(reason.starts_with("cannot write to"), "{reason}");
    assert!(reason.ends_with("read-only"), "{reason}");
    let scan = store.scan();
    assert_eq!(scan.sessions.len(), 1);
    let s = store.load(&scan.sessions[0].meta.id).unwrap();
    let err = store.save(&s).unwrap_err();
    assert_eq!(err.to_string(), format!("cannot save changes ({reason})"));
    let p = store.write_draft(&s).unwrap();
    assert!(p.starts_with(dir.path().join("fallback")));
    assert_eq!(store.read_draft(&s.meta.id).unwrap().0, s);
}

#[test]
fn large_stores_scan_in_parallel_with_the_same_result() {
    // Enough files for the multi-threaded stat, parse and catalog paths.
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let old = SystemTime::now() - Duration::from_secs(3600);
    let mut expected = Vec::new();
    for i in 0..700u32 {
        let mut m = meta(
            &format!("session {i} — Doña Ana"),
            (2026, 1 + i % 6, 1 + i % 28),
        );
        m.created += chrono::Duration::seconds(i64::from(i));
        let s = Session {
            meta: m,
            text: format!("note {i} 我们"),
        };
        let p = store.session_path(&s.meta.id);
        fs::write(&p, ripple::core::session_file::to_file_string(&s)).unwrap();
        set_mtime(&p, old);
        expected.push(s.meta);
    }
    expected.sort_by(|a, b| b.date.cmp(&a.date).then(b.created.cmp(&a.created)));
    let metas = |scan: &ripple::core::store::Scan| -> Vec<SessionMeta> {
        scan.sessions.iter().map(|s| (*s.meta).clone()).collect()
    };
    let cold = store.scan();
    assert!(cold.problems.is_empty());
    assert_eq!(metas(&cold), expected);
    assert_eq!(metas(&store.scan()), expected);
    drop(store);
    let fresh = open(dir.path());
    let warm = fresh.scan();
    // Served from catalog.tsv (a damaged catalog would be rebuilt with a note).
    assert!(warm.notes.is_empty(), "{:?}", warm.notes);
    assert_eq!(metas(&warm), expected);
    assert_eq!(warm.sessions, cold.sessions);
}
