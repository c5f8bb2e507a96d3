"""Write notebooks/01-image-layers.ipynb (without outputs).

Run it, then execute the notebook in place so it holds real outputs from the Engine:

    .venv/bin/python scripts/notebooks/build_01.py
    cd notebooks && flock /tmp/lab-engine.lock ../.venv/bin/jupyter nbconvert --to notebook \
        --execute --inplace 01-image-layers.ipynb
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NAME = "01-image-layers"
OUT = Path(__file__).resolve().parents[2] / "notebooks" / f"{NAME}.ipynb"

cells: list = []


def md(text: str) -> None:
    cells.append(new_markdown_cell(text.strip()))


def code(text: str) -> None:
    cells.append(new_code_cell(text.strip()))


md("""
# 01 · Image layers, measured

An image is a stack of read-only **layers**, each one a set of file changes, plus a small
config (the command to run, environment variables, labels...). Every container started from the
image shares those layers and adds one writable layer of its own.

In this notebook you build the lecture's image `my-image` and measure, on your own Engine:

1. the build, step by step (and what a failed build looks like);
2. `docker image history`: which step added which layer, and how we *know* it did;
3. every Dockerfile instruction, set beside the lecture's table of "layer-creating" and
   "non-layer-creating" instructions, including where your Engine disagrees with that table;
4. why the lecture's history output looks different from yours (two builders, two formats);
5. layer sizes in a chart, and what adding one more instruction does;
6. what a multi-stage build saves, measured rather than claimed.

Sizes are shown the way the `docker` command shows them, in SI units (1 MB = 1,000,000 bytes),
with exact bytes beside them where it matters.
""")

code("""
# NBVAL_IGNORE_OUTPUT
import labhelpers as lh

lh.start_lesson("01-image-layers")
""")

md("""
## 1. The build context

The lecture's Dockerfile, with one change: the base image is a build argument (`BASE_IMAGE`), so
the lab can pass the base image notebook 00 chose. The next cell writes it and `app.py` into the
folder `my-app/` beside this notebook. Open them from the file browser on the left; if you edit
them, the lab keeps your version (delete a file to get the lesson's back).
""")

code("""
lh.write_lesson_files("my-app")
""")

code("""
from pathlib import Path

print(Path("my-app/Dockerfile").read_text())
""")

md("""
## 2. Build `my-image`, step by step

The builder runs the Dockerfile one instruction at a time ("Step N/M"). The bar below follows
it; the build log streams into the box under it (click it to open). The first build installs
Flask with pip; later builds take each unchanged step from the builder's cache.
""")

code("""
built = lh.layers_widgets.build_with_progress("my-app", tag="my-image")
built
""")

md("""
Why more steps than instructions in the Dockerfile? The lab labels everything it creates (so
that its cleanup can find it): it passes three labels with `--label` (the command printed above
shows the first), and this builder records each one as an extra `LABEL` step at the end. One
of them holds this session's id, which changes every time the notebook runs: so each run ends
with a new image id, while every step before it comes from the cache.

### When a build fails

Here is a classic mistake: the Dockerfile copies a `requirements.txt` that is not in the build
context. The builder stops at that step; the helper shows which step it was and the last lines of
the log, and opens the log box.
""")

code("""
print(lh.layers.write_broken_context("my-app/broken"))
""")

code("""
lh.layers_widgets.build_with_progress(
    "my-app/broken", tag="my-image-broken", raise_on_failure=False
)
""")

md("""
Without `raise_on_failure=False` the cell would stop there with the same message, as a build in
a terminal does. Nothing is tagged `my-image-broken`: a failed build produces no image.

## 3. The layer table

`docker image history my-image` lists one row per build step, newest first, with the size of what
that step added. What it does **not** list is whether the step added a layer: a `0B` row may be
a layer that holds no file bytes (an empty directory, say).

So the helper gathers evidence. This builder keeps an image for every step (the IMAGE column),
and each image lists its layers (`RootFS.Layers` in `docker image inspect`). A step added a
layer exactly when its image has one layer more than the image of the step before. At the end,
the count is checked against `my-image`'s own layer list, and the sizes against `docker image
ls`.

The sizes depend on the Flask version pip installed, so your table may differ from the one saved
in this notebook.
""")

code("""
# NBVAL_IGNORE_OUTPUT
history = lh.layers.image_history("my-image")
history
""")

code("""
print(history.summary())
""")

md("""
Things to notice in the table:

* **`WORKDIR /app` is a layer of 0B.** The base image has no `/app`, so this builder creates the
  directory, and stores that as a new layer (RootFS grows by one). A directory has no file bytes,
  so the size column says 0B. A 0B row does not prove "no layer"; only the layer count does.
* **`#(nop)`** in *created by* means the builder ran no command in a container for that step. It
  says nothing about layers: `ADD` is marked `#(nop)` and adds one.
* The **base image** brings its own layer(s); `FROM` adds nothing of its own.
* The three **`LABEL io.labhelpers...`** rows at the top are the lab's labels (section 2). They
  are metadata only; the session id in the top one is different every run.

## 4. Every instruction, beside the lecture's table

The lecture splits instructions in two groups: `FROM`, `RUN`, `COPY` and `ADD` create layers;
`CMD`, `ENTRYPOINT`, `WORKDIR`, `EXPOSE`, `ENV`, `LABEL`, `USER`, `VOLUME`, `STOPSIGNAL` and
`ARG` do not. To test that, the helper builds one Dockerfile that uses each instruction, twice
where the outcome might depend on what the step does:
""")

code("""
print(lh.layers.trial_dockerfile())
""")

code("""
trial = lh.layers.instruction_trial("my-app/trial", tag="layer-trial")
lh.layers.compare_with_seed(trial)
""")

md("""
The rule that fits every row, on this builder: **a step adds a layer exactly when it changes the
filesystem.**

* `WORKDIR` of a directory that does not exist yet creates it, and that is a (0B) layer;
  `WORKDIR /tmp`, which exists, changes nothing and adds none. The lecture's table files `WORKDIR`
  under "no layer", which holds only for directories that already exist.
* A `RUN` that writes nothing leaves no layer with this builder: an empty change is not stored.
  "RUN creates a layer" is true of the usual `RUN`, which installs or writes something.
* `ENV`, `LABEL`, `USER`, `EXPOSE`, `VOLUME`, `STOPSIGNAL`, `ENTRYPOINT`, `CMD` and `ARG` change
  only the image's config: they never add a layer.

And the size of an image is the sum of what its layers hold, not a matter of how many there
are: the trial's four new layers hold 370 bytes together (0 + 182 + 182 + 6), while the single
`RUN pip install flask` of `my-image` holds megabytes.

## 5. Two builders, two history formats

The lecture's `docker image history` output looks different from the table above. It was made by
**BuildKit**, the builder `docker build` uses by default on current Docker versions. The lab
builds through the Docker SDK for Python, which can only drive the older **classic builder** (the
doctor's *Builder* line in notebook 00 said so). What builds with what on your machine:
""")

code("""
lh.layers.builder_probe()
""")

md("""
The same Dockerfile steps, as each builder records them (left: measured on your `my-image`;
right: copied from the lecture's output):
""")

code("""
lh.layers.history_formats(history)
""")

md("""
* The classic builder keeps an image for every step, so every row has an id. BuildKit keeps its
  cache elsewhere, so only the top row names an image and the rest say `<missing>`. You also see
  `<missing>` for the rows of any image you pulled or loaded: their step images never existed on
  your machine.
* Where rows are `<missing>`, the layer evidence comes from the image's config instead, whose
  history entries carry an `empty_layer` flag. The Engine hands out that config only inside
  `docker image save`, so the helper reads it from that stream (tested in `tests/test_layers.py`).
* Both builders produce the same kind of image: the differences are in the bookkeeping.

## 6. Layer sizes, charted

The base image dwarfs everything the Dockerfile adds, so on a linear scale the small layers are
invisible. Switch to the log scale to see them. The title sets the sum of the layers beside the
size `docker image ls` shows for `my-image`.
""")

code("""
lh.layers_widgets.layer_chart(history)
""")

md("""
## 7. Add a layer

Pick an instruction and press **Rebuild**: the helper writes `my-app/plus/Dockerfile`
(`FROM my-image` plus your instruction), builds it as `my-image-plus`, and shows whether a layer
was added and what it holds. The table of your experiments grows with each rebuild; the history
and the chart show `my-image-plus`. The cell ran the first choice once already.

`N` is in MiB (1 MiB = 1,048,576 bytes), so a 5 MiB layer shows as 5.24MB, the way `docker`
counts.
""")

code("""
lh.layers_widgets.add_layer_widget(from_image="my-image", tag="my-image-plus")
""")

md("""
Try `ENV` or `LABEL` (no layer, the image does not grow), `WORKDIR a new directory` (a layer of
0B), and `RUN that writes nothing` (no layer).

## 8. One stage or two: multi-stage builds, measured

The lecture recommends multi-stage builds to keep images small. Here is the effect, measured on
three Dockerfiles that do the same job: a build step needs a 30 MiB "toolchain" to produce a
small result.

* `one-stage`: everything in one image;
* `one-stage-rm`: the same, plus a later `RUN rm` of the toolchain;
* `multi-stage`: a `build` stage does the work; the final stage starts again from the base image
  and copies only the result (`COPY --from=build`).
""")

code("""
for variant, dockerfile in lh.layers.MULTISTAGE_VARIANTS.items():
    print(f"----- {variant} -----")
    print(dockerfile)
""")

code("""
stages = lh.layers.compare_stages("my-app/stages", repository="my-app")
stages
""")

md("""
* Deleting a file in a later step does **not** shrink the image: the toolchain is still in the
  layer that wrote it, and the later layer only records that it is gone (a 0B "whiteout" entry).
* The multi-stage image holds the base image plus the result and nothing else: the build stage's
  layers are not part of it.
* The build stage's image still exists in your Engine, untagged (`<none>` in `docker image ls`):
  the builder keeps it as cache for the next build. It uses disk space, but is not in the image
  you ship. Its Dockerfile carries the lab's label so the lab's cleanup removes it too.

In a terminal, `docker image ls my-app` shows the three images side by side.

## 9. Exercise: one layer of 2 MB, and one that adds none

In a terminal (**File > New > Terminal**), make an image **`my-layer-exercise`** that:

* starts `FROM my-image`;
* adds **exactly one** layer, holding about **2 MB** (2,000,000 bytes);
* sets the environment variable `STAGE=exercise` (which must not add a layer);
* carries the lab's label, so the lab's cleanup can remove it later.

*Hint:* put a Dockerfile in an empty folder (e.g. `mkdir ~/layer-exercise`), then
`docker build --label io.labhelpers.managed=true -t my-layer-exercise ~/layer-exercise`.
`head -c 2000000 /dev/zero > FILE` writes 2,000,000 bytes. Check your work with
`docker image history my-layer-exercise` and
`docker image inspect --format '{{len .RootFS.Layers}}' my-image my-layer-exercise`.

Where `docker build` in your terminal uses BuildKit (Docker Desktop, or Linux with the buildx
plugin: see section 5), your history shows `<missing>` rows and `# buildkit`; the layers, and the
check, work the same way.
""")

code("")

code("""
lh.layers.check_layer_exercise()
""")

code("""
lh.show_solution("solutions/01-image-layers.sh")
""")

md("""
## 10. Check your understanding
""")

code("""
lh.quiz(
    [
        lh.Question(
            "A history row shows 0B. What does that tell you?",
            (
                "The step added no layer",
                "The step added no file bytes; it may still have added a layer",
                "The step failed",
            ),
            1,
            "WORKDIR /app showed 0B and still added a layer (RootFS grew by one). Only the layer "
            "count tells you whether a layer was added.",
        ),
        lh.Question(
            "A Dockerfile downloads a 30 MiB archive in one RUN and deletes it in the next RUN. "
            "How much of the 30 MiB is in the image?",
            ("None of it", "All of it", "Half of it"),
            1,
            "The first RUN's layer still holds the archive; the second only hides it. Delete it "
            "in the same RUN, or use a multi-stage build.",
        ),
        lh.Question(
            "Which of these steps adds a layer on this Engine's builder?",
            ("ENV APP_MODE=lesson", "EXPOSE 5000", "WORKDIR /app (a new directory)"),
            2,
            "ENV and EXPOSE change only the image's config. WORKDIR creates a missing directory, "
            "and that change is stored as a layer.",
        ),
        lh.Question(
            "Why do most rows of the lecture's docker image history say <missing>?",
            (
                "The layers were deleted",
                "BuildKit built it, and keeps no image per step",
                "The image is corrupt",
            ),
            1,
            "The classic builder stores an image per step; BuildKit does not, so only the top "
            "row names an image. The layers are all there.",
        ),
    ]
)
""")

md("""
## What this notebook left in your Engine

`my-image`, `my-image-plus`, `layer-trial` and the three `my-app:...` images (plus the untagged
build stage), all carrying the lab's label. The next notebooks use `my-image`; notebook 99 (or
`make cleanup`) removes them all.

The next notebooks start containers from `my-image` and measure what they write.
""")


def main() -> None:
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    nbformat.write(notebook, OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
