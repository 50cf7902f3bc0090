#ifndef GLARE_FACE_H
#define GLARE_FACE_H
// dlib's HOG face detector and 68-point shape predictor behind a plain C API. Filled in by the faces work.
#endif
