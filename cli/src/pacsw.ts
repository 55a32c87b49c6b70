console.log("pacsw placeholder");
