//! The in-memory object store: a global resourceVersion counter, atomic read-modify-write
//! transactions, a bounded event history for watches that resume, and ordered, lossless
//! delivery of every change to watchers and controllers.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Value, json};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::registry::ResourceKey;
use crate::status::ApiError;

/// How many past events a watch can resume from.
const HISTORY_LIMIT: usize = 20_000;

/// The type of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    /// The object was created.
    Added,
    /// The object changed.
    Modified,
    /// The object was removed.
    Deleted,
}

impl EventType {
    /// The watch event type string.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change in the store.
#[derive(Debug, Clone)]
pub struct StoreEvent {
    /// What happened.
    pub kind: EventType,
    /// Which resource type.
    pub key: ResourceKey,
    /// The object after the change (the last state for deletions).
    pub object: Arc<Value>,
    /// The object before the change, for modifications and deletions.
    pub old: Option<Arc<Value>>,
    /// The resourceVersion of the change.
    pub rv: u64,
}

/// What a transaction does with the object it read.
#[derive(Debug)]
pub enum Action {
    /// Store this object (create or replace).
    Put(Value),
    /// Remove the object.
    Delete,
    /// Leave the store as it is.
    Keep,
}

/// A namespaced name (`namespace` empty for cluster-scoped objects).
pub type ObjectName = (String, String);

/// A stream of store events.
pub type EventReceiver = UnboundedReceiver<Arc<StoreEvent>>;

/// The state behind the lock.
#[derive(Default)]
struct Inner {
    rv: u64,
    objects: HashMap<ResourceKey, BTreeMap<ObjectName, Arc<Value>>>,
    watchers: HashMap<ResourceKey, Vec<UnboundedSender<Arc<StoreEvent>>>>,
    listeners: Vec<UnboundedSender<Arc<StoreEvent>>>,
    history: VecDeque<Arc<StoreEvent>>,
    /// Events with a resourceVersion at or below this are no longer in the history.
    floor: u64,
}

/// The object store of one simulated cluster.
#[derive(Default)]
pub struct Store {
    inner: Mutex<Inner>,
}

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.lock().rv
    }

    /// Reads one object.
    pub fn get(&self, key: &ResourceKey, namespace: &str, name: &str) -> Option<Arc<Value>> {
        self.lock()
            .objects
            .get(key)?
            .get(&(namespace.to_string(), name.to_string()))
            .cloned()
    }

    /// Lists the objects of a type (in one namespace, or all), in name order, with the
    /// resourceVersion of the snapshot.
    pub fn list(&self, key: &ResourceKey, namespace: Option<&str>) -> (Vec<Arc<Value>>, u64) {
        let inner = self.lock();
        (list_locked(&inner, key, namespace), inner.rv)
    }

    /// Every stored object with its type (for saving state).
    pub fn dump(&self) -> (Vec<(ResourceKey, Arc<Value>)>, u64) {
        let inner = self.lock();
        let mut out = Vec::new();
        for (key, objects) in &inner.objects {
            for object in objects.values() {
                out.push((key.clone(), object.clone()));
            }
        }
        (out, inner.rv)
    }

    /// Loads saved objects (before anything runs), keeping their resourceVersions.
    pub fn load(&self, objects: Vec<(ResourceKey, Value)>, rv: u64) {
        let mut inner = self.lock();
        for (key, object) in objects {
            let name = object_name(&object);
            inner
                .objects
                .entry(key)
                .or_default()
                .insert(name, Arc::new(object));
        }
        inner.rv = inner.rv.max(rv);
        inner.floor = inner.rv;
    }

    /// Reads an object and decides, under the store lock, what to do with it. The stored
    /// object gets the next resourceVersion. Returns the object as stored (or as deleted),
    /// or `None` when nothing existed and nothing was written.
    pub fn transact<F>(
        &self,
        key: &ResourceKey,
        namespace: &str,
        name: &str,
        f: F,
    ) -> Result<Option<Arc<Value>>, ApiError>
    where
        F: FnOnce(Option<&Value>) -> Result<Action, ApiError>,
    {
        let mut inner = self.lock();
        let id = (namespace.to_string(), name.to_string());
        let current = inner.objects.get(key).and_then(|m| m.get(&id)).cloned();
        match f(current.as_deref())? {
            Action::Keep => Ok(current),
            Action::Put(mut object) => {
                let rv = inner.rv + 1;
                inner.rv = rv;
                object["metadata"]["resourceVersion"] = json!(rv.to_string());
                let object = Arc::new(object);
                inner
                    .objects
                    .entry(key.clone())
                    .or_default()
                    .insert(id, object.clone());
                let kind = if current.is_some() {
                    EventType::Modified
                } else {
                    EventType::Added
                };
                publish(&mut inner, kind, key, object.clone(), current, rv);
                Ok(Some(object))
            }
            Action::Delete => {
                let Some(old) = current else {
                    return Ok(None);
                };
                inner.objects.get_mut(key).map(|m| m.remove(&id));
                let rv = inner.rv + 1;
                inner.rv = rv;
                let mut last = (*old).clone();
                last["metadata"]["resourceVersion"] = json!(rv.to_string());
                let last = Arc::new(last);
                publish(
                    &mut inner,
                    EventType::Deleted,
                    key,
                    last.clone(),
                    Some(old),
                    rv,
                );
                Ok(Some(last))
            }
        }
    }

    /// Subscribes to every change of every type (for controllers).
    pub fn listen(&self) -> EventReceiver {
        let (tx, rx) = unbounded_channel();
        self.lock().listeners.push(tx);
        rx
    }

    /// Starts a watch of one type. With `since`, replays the recorded changes after that
    /// resourceVersion (410 Expired when they are no longer recorded); without, returns the
    /// current objects as a snapshot taken atomically with the subscription.
    pub fn watch(
        &self,
        key: &ResourceKey,
        namespace: Option<&str>,
        since: Option<u64>,
    ) -> Result<WatchStart, ApiError> {
        let mut inner = self.lock();
        let (tx, rx) = unbounded_channel();
        let start = match since {
            Some(since) => {
                if since < inner.floor {
                    return Err(ApiError::expired(format!(
                        "too old resource version: {since} ({})",
                        inner.floor + 1
                    )));
                }
                let replay = inner
                    .history
                    .iter()
                    .filter(|e| e.rv > since && e.key == *key)
                    .cloned()
                    .collect();
                WatchStart {
                    snapshot: Vec::new(),
                    replay,
                    rv: inner.rv,
                    events: rx,
                }
            }
            None => WatchStart {
                snapshot: list_locked(&inner, key, namespace),
                replay: Vec::new(),
                rv: inner.rv,
                events: rx,
            },
        };
        inner.watchers.entry(key.clone()).or_default().push(tx);
        Ok(start)
    }
}

/// The beginning of a watch.
pub struct WatchStart {
    /// Current objects (when no resourceVersion was given).
    pub snapshot: Vec<Arc<Value>>,
    /// Recorded changes after the requested resourceVersion.
    pub replay: Vec<Arc<StoreEvent>>,
    /// The resourceVersion at subscription time.
    pub rv: u64,
    /// Later changes.
    pub events: EventReceiver,
}

/// The namespaced name of an object.
pub fn object_name(object: &Value) -> ObjectName {
    let meta = &object["metadata"];
    (
        meta["namespace"].as_str().unwrap_or_default().to_string(),
        meta["name"].as_str().unwrap_or_default().to_string(),
    )
}

fn list_locked(inner: &Inner, key: &ResourceKey, namespace: Option<&str>) -> Vec<Arc<Value>> {
    let Some(objects) = inner.objects.get(key) else {
        return Vec::new();
    };
    match namespace {
        Some(ns) => objects
            .range((ns.to_string(), String::new())..)
            .take_while(|((n, _), _)| n == ns)
            .map(|(_, o)| o.clone())
            .collect(),
        None => objects.values().cloned().collect(),
    }
}

fn publish(
    inner: &mut Inner,
    kind: EventType,
    key: &ResourceKey,
    object: Arc<Value>,
    old: Option<Arc<Value>>,
    rv: u64,
) {
    let event = Arc::new(StoreEvent {
        kind,
        key: key.clone(),
        object,
        old,
        rv,
    });
    if let Some(watchers) = inner.watchers.get_mut(key) {
        watchers.retain(|tx| tx.send(event.clone()).is_ok());
    }
    inner.listeners.retain(|tx| tx.send(event.clone()).is_ok());
    inner.history.push_back(event);
    while inner.history.len() > HISTORY_LIMIT {
        if let Some(dropped) = inner.history.pop_front() {
            inner.floor = dropped.rv;
        }
    }
}
